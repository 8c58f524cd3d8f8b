#pragma once

#include <cstddef>
#include <cstdint>

#include "core/lib/addr.h"

// The split virtqueue's three parts in guest memory (virtio 1.2, 2.7): the
// descriptor table, the available ring (driver area) and the used ring (device
// area). All fields are little-endian, as x86 is. rota puts the three parts in
// one allocation, each at (at least) the alignment 2.7 requires.

namespace rota::virtio {

inline constexpr uint16_t max_queue_size = 32768; // 2.7: the largest power of two in 16 bits

// struct virtq_desc (2.7.5).
struct VirtqDesc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};
static_assert(sizeof(VirtqDesc) == 16);

namespace desc_flags {
inline constexpr uint16_t next = 1;
inline constexpr uint16_t write = 2;
inline constexpr uint16_t indirect = 4;
} // namespace desc_flags

// struct virtq_used_elem (2.7.8).
struct VirtqUsedElem {
    uint32_t id;
    uint32_t len;
};
static_assert(sizeof(VirtqUsedElem) == 8);

inline constexpr uint16_t avail_flag_no_interrupt = 1; // 2.7.7 VIRTQ_AVAIL_F_NO_INTERRUPT
inline constexpr uint16_t used_flag_no_notify = 1; // 2.7.10 VIRTQ_USED_F_NO_NOTIFY

// Byte offsets of the parts and of the fields in them, for a queue of `size`.
struct RingLayout {
    static constexpr size_t desc_align = 16; // 2.7 table: descriptor table
    static constexpr size_t avail_align = 2; // available ring
    static constexpr size_t used_align = 4; // used ring
    // The used ring is written by the device and the available ring by the
    // driver: a cache line apart, neither side's stores invalidate the other's.
    static constexpr size_t used_placement = 64;

    uint16_t size;
    size_t desc_offset;
    size_t avail_offset;
    size_t used_offset;
    size_t total_bytes;

    static constexpr size_t desc_bytes(uint16_t size) { return 16 * size_t(size); }
    static constexpr size_t avail_bytes(uint16_t size)
    {
        return 6 + 2 * size_t(size);
    } // with used_event
    static constexpr size_t used_bytes(uint16_t size)
    {
        return 6 + 8 * size_t(size);
    } // with avail_event

    static constexpr RingLayout for_size(uint16_t size)
    {
        RingLayout layout {size, 0, 0, 0, 0};
        layout.avail_offset = align_up(desc_bytes(size), avail_align);
        layout.used_offset = align_up(layout.avail_offset + avail_bytes(size), used_placement);
        layout.total_bytes = layout.used_offset + used_bytes(size);
        return layout;
    }

    // struct virtq_avail (2.7.6): flags, idx, ring[size], used_event.
    static constexpr size_t avail_flags = 0;
    static constexpr size_t avail_idx = 2;
    static constexpr size_t avail_ring(uint16_t slot) { return 4 + 2 * size_t(slot); }
    constexpr size_t used_event() const { return 4 + 2 * size_t(size); }
    // struct virtq_used (2.7.8): flags, idx, ring[size], avail_event.
    static constexpr size_t used_flags = 0;
    static constexpr size_t used_idx = 2;
    static constexpr size_t used_ring(uint16_t slot) { return 4 + 8 * size_t(slot); }
    constexpr size_t avail_event() const { return 4 + 8 * size_t(size); }
};

static_assert(RingLayout::for_size(64).avail_offset == 1024);
static_assert(RingLayout::for_size(64).used_offset == 1216);
static_assert(RingLayout::for_size(64).used_offset % RingLayout::used_align == 0);
static_assert(RingLayout::for_size(1).total_bytes == 64 + 14);

} // namespace rota::virtio
