#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "journal/block_device.h"

// A disk in memory for the journal fuzzers: any capacity and block size the
// fuzzer picks, read-only or not, and a read or write that fails on request,
// with the rules a real device enforces (whole blocks, inside the disk).

namespace rota::fuzz {

class FuzzDisk final : public BlockDevice {
public:
    FuzzDisk(uint64_t sectors, uint32_t block, bool is_read_only)
        : bytes(sectors * 512, 0)
        , m_block(block)
        , m_read_only(is_read_only)
    {
    }

    uint64_t sector_count() const override { return bytes.size() / 512; }
    uint32_t block_bytes() const override { return m_block; }
    bool read_only() const override { return m_read_only; }

    Expected<void> read(uint64_t sector, std::span<uint8_t> out) override
    {
        if (++reads == fail_read || !fits(sector, out.size()))
            return make_error(Error::DeviceError);
        std::memcpy(out.data(), bytes.data() + sector * 512, out.size());
        return {};
    }

    Expected<void> write(uint64_t sector, std::span<const uint8_t> data) override
    {
        ++writes;
        if (m_read_only)
            return make_error(Error::ReadOnly);
        if (writes == fail_write || !fits(sector, data.size()))
            return make_error(Error::DeviceError);
        std::memcpy(bytes.data() + sector * 512, data.data(), data.size());
        return {};
    }

    Expected<void> flush() override { return {}; }

    std::vector<uint8_t> bytes;
    uint32_t reads {0};
    uint32_t writes {0}; // attempted, refused ones included
    uint32_t fail_read {0}; // the read (1 = first) that fails; 0: none
    uint32_t fail_write {0};

private:
    bool fits(uint64_t sector, size_t length) const
    {
        return length != 0 && length % m_block == 0 && (sector * 512) % m_block == 0
            && sector <= sector_count() && length / 512 <= sector_count() - sector;
    }

    uint32_t m_block;
    bool m_read_only;
};

} // namespace rota::fuzz
