#include "journal/crc32.h"

#include <array>

namespace rota {

namespace {

constexpr std::array<uint32_t, 256> make_table()
{
    std::array<uint32_t, 256> table {};
    for (uint32_t n = 0; n < 256; ++n) {
        uint32_t c = n;
        for (int k = 0; k < 8; ++k)
            c = (c & 1) != 0 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        table[n] = c;
    }
    return table;
}

constexpr std::array<uint32_t, 256> table = make_table();

} // namespace

uint32_t crc32_update(uint32_t crc, std::span<const uint8_t> bytes)
{
    uint32_t c = ~crc;
    for (uint8_t b : bytes)
        c = table[(c ^ b) & 0xff] ^ (c >> 8);
    return ~c;
}

uint32_t crc32(std::span<const uint8_t> bytes)
{
    return crc32_update(0, bytes);
}

} // namespace rota
