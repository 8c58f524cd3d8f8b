#include "core/cpu/irq_route.h"

namespace rota {

namespace {

// MPS INTI flags (ACPI 6.5, table 5.26): bits 1:0 polarity, bits 3:2 trigger;
// 00 means "as the bus does it", 01 high / edge, 11 low / level.
constexpr uint16_t polarity_mask = 0x3;
constexpr uint16_t polarity_high = 0x1;
constexpr uint16_t polarity_low = 0x3;
constexpr uint16_t trigger_shift = 2;
constexpr uint16_t trigger_edge = 0x1;
constexpr uint16_t trigger_level = 0x3;

const MadtInterruptOverride* find_override(const Madt& madt, uint8_t irq)
{
    for (const MadtInterruptOverride& o : madt.overrides) {
        if (o.bus == 0 && o.source == irq)
            return &o;
    }
    return nullptr;
}

GsiRoute apply_flags(GsiRoute route, uint16_t flags)
{
    uint16_t polarity = flags & polarity_mask;
    uint16_t trigger = (flags >> trigger_shift) & 0x3;
    if (polarity == polarity_high)
        route.polarity = Polarity::ActiveHigh;
    else if (polarity == polarity_low)
        route.polarity = Polarity::ActiveLow;
    if (trigger == trigger_edge)
        route.trigger = Trigger::Edge;
    else if (trigger == trigger_level)
        route.trigger = Trigger::Level;
    return route;
}

} // namespace

GsiRoute isa_irq_route(const Madt& madt, uint8_t irq)
{
    GsiRoute route {irq, Polarity::ActiveHigh, Trigger::Edge, false};
    if (const MadtInterruptOverride* o = find_override(madt, irq)) {
        route.gsi = o->gsi;
        route.overridden = true;
        route = apply_flags(route, o->flags);
    }
    return route;
}

Expected<GsiRoute> pci_intx_route(const Madt& madt, uint8_t interrupt_line)
{
    if (interrupt_line > 15)
        return make_error(Error::NotFound);
    GsiRoute route {interrupt_line, Polarity::ActiveLow, Trigger::Level, false};
    if (const MadtInterruptOverride* o = find_override(madt, interrupt_line)) {
        route.gsi = o->gsi;
        route.overridden = true;
        route = apply_flags(route, o->flags);
    }
    return route;
}

std::optional<IoApicPin> find_ioapic_pin(std::span<const IoApicInputs> ioapics, uint32_t gsi)
{
    for (size_t i = 0; i < ioapics.size(); ++i) {
        if (gsi >= ioapics[i].gsi_base && gsi - ioapics[i].gsi_base < ioapics[i].pins)
            return IoApicPin {i, gsi - ioapics[i].gsi_base};
    }
    return std::nullopt;
}

} // namespace rota
