#include "virtio/device/request_slots.h"

#include "core/lib/assert.h"

namespace rota::virtio {

RequestSlots::RequestSlots(const SlotLayout& layout, DmaRegion control, DmaRegion buffers)
    : m_layout(layout)
    , m_control(std::move(control))
    , m_buffers(std::move(buffers))
{
    ROTA_ASSERT(layout.count >= 1 && layout.count <= max_slots);
    ROTA_ASSERT(layout.request_bytes > 0 && layout.response_bytes > 0);
    ROTA_ASSERT(m_control.size() >= size_t(layout.count) * stride(layout));
    ROTA_ASSERT(m_buffers.size() >= size_t(layout.count) * layout.buffer_bytes);
}

size_t RequestSlots::stride(const SlotLayout& layout)
{
    size_t both = size_t(layout.request_bytes) + layout.response_bytes;
    return (both + 31) / 32 * 32;
}

std::optional<uint16_t> RequestSlots::acquire()
{
    if (m_in_flight == m_layout.count)
        return std::nullopt;
    // Some slot is free, so this finds one within count steps.
    uint16_t slot = m_next;
    while (m_busy[slot])
        slot = uint16_t((slot + 1) % m_layout.count);
    m_next = uint16_t((slot + 1) % m_layout.count);
    m_busy[slot] = true;
    ++m_in_flight;
    return slot;
}

void RequestSlots::release(uint16_t slot)
{
    ROTA_ASSERT(busy(slot));
    m_busy[slot] = false;
    --m_in_flight;
}

size_t RequestSlots::control_offset(uint16_t slot) const
{
    ROTA_ASSERT(slot < m_layout.count);
    return size_t(slot) * stride(m_layout);
}

uint8_t* RequestSlots::request(uint16_t slot) const
{
    return m_control.bytes(control_offset(slot));
}

PhysAddr RequestSlots::request_phys(uint16_t slot) const
{
    return m_control.phys(control_offset(slot));
}

uint8_t* RequestSlots::response(uint16_t slot) const
{
    return m_control.bytes(control_offset(slot) + m_layout.request_bytes);
}

PhysAddr RequestSlots::response_phys(uint16_t slot) const
{
    return m_control.phys(control_offset(slot) + m_layout.request_bytes);
}

uint8_t* RequestSlots::buffer(uint16_t slot) const
{
    ROTA_ASSERT(slot < m_layout.count && m_layout.buffer_bytes > 0);
    return m_buffers.bytes(size_t(slot) * m_layout.buffer_bytes);
}

PhysAddr RequestSlots::buffer_phys(uint16_t slot) const
{
    ROTA_ASSERT(slot < m_layout.count && m_layout.buffer_bytes > 0);
    return m_buffers.phys(size_t(slot) * m_layout.buffer_bytes);
}

} // namespace rota::virtio
