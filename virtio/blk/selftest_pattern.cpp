#include "virtio/blk/selftest_pattern.h"

#include "core/lib/assert.h"
#include "core/lib/splitmix64.h"
#include "virtio/blk/protocol.h"

namespace rota::blk {

namespace {

constexpr char tag[16]
    = {'r', 'o', 't', 'a', '-', 'b', 'l', 'k', '-', 's', 'e', 'l', 'f', 't', 's', 't'};

uint64_t seed_for(uint64_t sector, uint64_t stamp)
{
    // SplitMix64's mixing function: neighbouring sectors get unrelated streams.
    uint64_t z = splitmix64_mix(sector * splitmix64_gamma + stamp);
    return z != 0 ? z : 1; // xorshift needs a non-zero state
}

uint64_t xorshift(uint64_t& state)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

} // namespace

void fill_selftest_sector(uint64_t sector, uint64_t stamp, std::span<uint8_t> out)
{
    ROTA_ASSERT(out.size() == sector_bytes);
    __builtin_memcpy(out.data(), tag, sizeof tag);
    __builtin_memcpy(out.data() + 16, &sector, 8);
    __builtin_memcpy(out.data() + 24, &stamp, 8);
    uint64_t state = seed_for(sector, stamp);
    for (size_t i = 32; i < sector_bytes; i += 8) {
        uint64_t word = xorshift(state);
        __builtin_memcpy(out.data() + i, &word, 8);
    }
}

bool selftest_sector_matches(uint64_t sector, uint64_t stamp, std::span<const uint8_t> bytes)
{
    ROTA_ASSERT(bytes.size() == sector_bytes);
    uint8_t expected[sector_bytes];
    fill_selftest_sector(sector, stamp, expected);
    return __builtin_memcmp(expected, bytes.data(), sector_bytes) == 0;
}

ScratchContent classify_scratch_sector(uint64_t sector, std::span<const uint8_t> bytes)
{
    ROTA_ASSERT(bytes.size() == sector_bytes);
    bool zero = true;
    for (uint8_t b : bytes) {
        if (b != 0) {
            zero = false;
            break;
        }
    }
    if (zero)
        return ScratchContent::Zero;
    uint64_t stamp;
    __builtin_memcpy(&stamp, bytes.data() + 24, 8);
    return selftest_sector_matches(sector, stamp, bytes) ? ScratchContent::Pattern
                                                         : ScratchContent::Other;
}

} // namespace rota::blk
