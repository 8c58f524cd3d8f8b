#pragma once

#include <cstdint>

#include "core/cpu/io_space.h"
#include "core/cpu/irq_route.h"

// One I/O APIC's registers (Intel 82093AA I/O APIC datasheet, 3.0): an index
// register (IOREGSEL, offset 0x00) and a data window (IOWIN, offset 0x10)
// onto the ID, version and the 64-bit redirection entries, each two indexed
// dwords. Reached through an injected Space (MmioSpace in the kernel, a fake
// in host tests). Not locked: the index and data writes must not interleave
// with another CPU's, so the kernel serialises them (core/cpu/ioapic.cpp).

namespace rota {

namespace ioapic {
inline constexpr Register<uint32_t> select {0x00};
inline constexpr Register<uint32_t> window {0x10};

inline constexpr uint8_t index_id = 0x00;
inline constexpr uint8_t index_version = 0x01; // bits 23:16: the last entry's number
inline constexpr uint8_t index_redirection = 0x10; // entry n at 0x10 + 2n (low), + 1 (high)

// Redirection entry bits (datasheet 3.2.4).
inline constexpr uint64_t delivery_fixed = 0u << 8;
inline constexpr uint64_t destination_physical = 0u << 11;
inline constexpr uint64_t active_low = 1u << 13;
inline constexpr uint64_t remote_irr = 1u << 14;
inline constexpr uint64_t level_triggered = 1u << 15;
inline constexpr uint64_t masked = 1u << 16;
inline constexpr unsigned destination_shift = 56;
} // namespace ioapic

// The entry that delivers `route` as `vector` to the local APIC `apic_id`.
constexpr uint64_t redirection_entry(
    const GsiRoute& route, uint8_t vector, uint8_t apic_id, bool mask)
{
    uint64_t entry = uint64_t(vector) | ioapic::delivery_fixed | ioapic::destination_physical;
    if (route.polarity == Polarity::ActiveLow)
        entry |= ioapic::active_low;
    if (route.trigger == Trigger::Level)
        entry |= ioapic::level_triggered;
    if (mask)
        entry |= ioapic::masked;
    return entry | uint64_t(apic_id) << ioapic::destination_shift;
}

template<class Space>
class IoApicRegisters {
public:
    constexpr explicit IoApicRegisters(Space space)
        : m_space(space)
    {
    }

    uint32_t read(uint8_t index) const
    {
        m_space.write(ioapic::select, uint32_t(index));
        return m_space.read(ioapic::window);
    }
    void write(uint8_t index, uint32_t value)
    {
        m_space.write(ioapic::select, uint32_t(index));
        m_space.write(ioapic::window, value);
    }

    uint8_t id() const { return uint8_t(read(ioapic::index_id) >> 24 & 0xf); }
    // How many inputs (redirection entries) this I/O APIC has.
    unsigned pins() const { return ((read(ioapic::index_version) >> 16) & 0xff) + 1; }

    uint64_t entry(unsigned pin) const
    {
        uint8_t low = uint8_t(ioapic::index_redirection + 2 * pin);
        return uint64_t(read(low)) | uint64_t(read(uint8_t(low + 1))) << 32;
    }
    // Masks the pin first, then writes the destination, then the low half
    // with the vector and the final mask bit: the pin never delivers a
    // half-written entry.
    void set_entry(unsigned pin, uint64_t value)
    {
        uint8_t low = uint8_t(ioapic::index_redirection + 2 * pin);
        write(low, uint32_t(value) | uint32_t(ioapic::masked));
        write(uint8_t(low + 1), uint32_t(value >> 32));
        write(low, uint32_t(value));
    }
    void set_masked(unsigned pin, bool mask)
    {
        uint8_t low = uint8_t(ioapic::index_redirection + 2 * pin);
        uint32_t value = read(low);
        write(low, mask ? value | uint32_t(ioapic::masked) : value & ~uint32_t(ioapic::masked));
    }

    // Every input masked, its entry otherwise as it was: nothing the
    // firmware left behind reaches a CPU before a driver claims the pin.
    void mask_all()
    {
        for (unsigned pin = 0, count = pins(); pin < count; ++pin)
            set_masked(pin, true);
    }

private:
    Space m_space;
};

} // namespace rota
