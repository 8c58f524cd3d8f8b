#pragma once

#include <cstdint>
#include <span>

#include "core/lib/expected.h"

// What the journal needs from a disk: whole 512-byte sectors read and
// written, a flush, and whether writing is allowed at all. The kernel adapts
// its virtio-blk driver to it (kernel/spin_journal.cpp), the host tool
// a disk image file, the host tests memory with injected faults.

namespace rota {

class BlockDevice {
public:
    virtual uint64_t sector_count() const = 0;
    // The device's preferred block size in bytes (a power of two >= 512).
    virtual uint32_t block_bytes() const = 0;
    // The unit a write torn by a power cut can damage (a power of two >=
    // block_bytes(): 4096 on a 512e disk), and where the first one starts
    // (bytes, below it). Without more knowledge, the logical block.
    virtual uint32_t physical_block_bytes() const { return block_bytes(); }
    virtual uint32_t physical_offset_bytes() const { return 0; }
    virtual bool read_only() const = 0;
    // Sizes are whole sectors; the range lies within sector_count().
    virtual Expected<void> read(uint64_t sector, std::span<uint8_t> out) = 0;
    virtual Expected<void> write(uint64_t sector, std::span<const uint8_t> data) = 0;
    // Returns once everything written before it is durable.
    virtual Expected<void> flush() = 0;

protected:
    ~BlockDevice() = default;
};

} // namespace rota
