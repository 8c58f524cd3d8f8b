#pragma once

// Host stand-in for the journal's tests: a disk in memory that can refuse
// writes, fail reads or tear a write in half.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "journal/block_device.h"

namespace journal_test {

class MemoryDisk final : public rota::BlockDevice {
public:
    explicit MemoryDisk(uint64_t sectors, uint32_t block_size = 512)
        : bytes(sectors * 512, 0)
        , block(block_size)
    {
    }

    uint64_t sector_count() const override { return bytes.size() / 512; }
    uint32_t block_bytes() const override { return block; }
    uint32_t physical_block_bytes() const override { return physical != 0 ? physical : block; }
    uint32_t physical_offset_bytes() const override { return physical_offset; }
    bool read_only() const override { return is_read_only; }

    rota::Expected<void> read(uint64_t sector, std::span<uint8_t> out) override
    {
        ++reads;
        if (fail_reads || sector * 512 + out.size() > bytes.size() || !aligned(sector, out.size()))
            return rota::make_error(rota::Error::DeviceError);
        std::memcpy(out.data(), bytes.data() + sector * 512, out.size());
        return {};
    }

    rota::Expected<void> write(uint64_t sector, std::span<const uint8_t> data) override
    {
        if (is_read_only) {
            ++refused_writes;
            return rota::make_error(rota::Error::ReadOnly);
        }
        if (sector * 512 + data.size() > bytes.size() || !aligned(sector, data.size()))
            return rota::make_error(rota::Error::DeviceError);
        ++writes;
        if (fail_writes)
            return rota::make_error(rota::Error::DeviceError);
        size_t length = data.size();
        if (tear_next_write) {
            // Power lost part way: the first tear_bytes reached the disk, the error is reported.
            tear_next_write = false;
            std::memcpy(bytes.data() + sector * 512, data.data(), std::min(tear_bytes, length));
            return rota::make_error(rota::Error::DeviceError);
        }
        std::memcpy(bytes.data() + sector * 512, data.data(), length);
        unflushed = true;
        return {};
    }

    rota::Expected<void> flush() override
    {
        ++flushes;
        unflushed = false;
        return {};
    }

    // Whole blocks only, as QEMU's virtio-blk insists when logical_block_size > 512.
    bool aligned(uint64_t sector, size_t length) const
    {
        return (sector * 512) % block == 0 && length % block == 0;
    }

    std::vector<uint8_t> bytes;
    uint32_t block;
    uint32_t physical {0}; // 0: the same as block
    uint32_t physical_offset {0};
    bool is_read_only {false};
    bool fail_reads {false};
    bool fail_writes {false};
    bool tear_next_write {false};
    size_t tear_bytes {32};
    bool unflushed {false};
    int reads {0};
    int writes {0};
    int refused_writes {0};
    int flushes {0};
};

} // namespace journal_test
