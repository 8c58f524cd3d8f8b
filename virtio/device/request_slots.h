#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/lib/addr.h"
#include "core/mem/dma.h"

// A driver's preallocated request memory: `count` slots, each a request area
// (the device reads it) and a response area (the device writes it) side by
// side in one DMA allocation, and, where the driver asks for them, a buffer of
// its own per slot (a bounce buffer, a large response) in a second. Nothing is
// allocated per request. A slot is acquired for one request and released once
// its completion has been handled; which request it carries is the driver's
// business, kept in the driver's own array indexed by slot.

namespace rota::virtio {

struct SlotLayout {
    uint16_t count {0}; // 1..RequestSlots::max_slots
    uint32_t request_bytes {0}; // > 0
    uint32_t response_bytes {0}; // > 0
    uint32_t buffer_bytes {0}; // 0: no per-slot buffers
    uint32_t buffer_align {64}; // a power of two
    // For the failure lines: "no memory for <control_name>" / "<buffer_name>".
    const char* control_name {"request slots"};
    const char* buffer_name {"slot buffers"};
};

class RequestSlots {
public:
    static constexpr uint16_t max_slots = 64;

    RequestSlots() = default; // no slots
    // `control` holds count × stride() bytes, `buffers` count × buffer_bytes.
    RequestSlots(const SlotLayout& layout, DmaRegion control, DmaRegion buffers);

    // Bytes from one slot's request area to the next: both areas, rounded up
    // to 32 so a small response (virtio-blk's status byte) shares no cache
    // line with the next slot's request.
    static size_t stride(const SlotLayout& layout);

    uint16_t count() const { return m_layout.count; }
    uint16_t in_flight() const { return m_in_flight; }
    bool busy(uint16_t slot) const { return slot < m_layout.count && m_busy[slot]; }

    // A free slot, round-robin so a slot just released is the last to be
    // reused; nullopt when every slot is busy.
    std::optional<uint16_t> acquire();
    void release(uint16_t slot);

    uint8_t* request(uint16_t slot) const;
    PhysAddr request_phys(uint16_t slot) const;
    uint8_t* response(uint16_t slot) const;
    PhysAddr response_phys(uint16_t slot) const;
    uint8_t* buffer(uint16_t slot) const;
    PhysAddr buffer_phys(uint16_t slot) const;
    const SlotLayout& layout() const { return m_layout; }

    bool owns_memory() const { return m_control.owns_memory() || m_buffers.owns_memory(); }
    // See DmaRegion::keep_forever(). Returns the bytes kept.
    size_t keep_forever() { return m_control.keep_forever() + m_buffers.keep_forever(); }

private:
    size_t control_offset(uint16_t slot) const;

    SlotLayout m_layout {};
    DmaRegion m_control;
    DmaRegion m_buffers;
    bool m_busy[max_slots] {};
    uint16_t m_in_flight {0};
    uint16_t m_next {0};
};

} // namespace rota::virtio
