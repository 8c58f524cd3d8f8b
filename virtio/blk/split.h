#pragma once

#include <cstdint>

// Cutting a transfer of any length into requests the device accepts and the
// driver's bounce buffers hold (virtio 1.2, 5.2.4 and 5.2.6). Pure.
//
// Each request carries its data in one segment (the slot's bounce buffer), so
// seg_max, when offered, is met as long as it is at least 1; size_max, when
// offered, bounds that one segment. Requests after the first start on the
// device's block granule (blk_size), so a transfer that starts unaligned costs
// one short request rather than every request straddling a block.

namespace rota::blk {

// The most sectors one request may carry: the bounce buffer, size_max (0: not
// offered) and the granule (`block_bytes`, a power of two >= 512) together.
// 0 when no request fits (size_max smaller than one granule).
uint32_t max_request_sectors(uint32_t bounce_bytes, uint32_t size_max, uint32_t block_bytes);

// [sector, sector + count) lies within a device of `capacity` sectors, without
// overflowing (5.2.6.2: no request may reach beyond capacity).
bool range_fits(uint64_t sector, uint64_t count, uint64_t capacity);

struct Chunk {
    uint64_t sector;
    uint32_t sectors;
    uint64_t byte_offset; // into the caller's buffer
};

class RequestSplitter {
public:
    // `max_sectors` > 0 and a multiple of `granule_sectors` (> 0).
    RequestSplitter(
        uint64_t sector, uint64_t count, uint32_t max_sectors, uint32_t granule_sectors);

    bool done() const { return m_next == m_end; }
    Chunk next();

private:
    uint64_t m_start;
    uint64_t m_next;
    uint64_t m_end;
    uint32_t m_max;
    uint32_t m_granule;
};

} // namespace rota::blk
