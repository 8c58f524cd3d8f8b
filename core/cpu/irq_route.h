#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/acpi/madt.h"
#include "core/lib/expected.h"

// Where a wired interrupt arrives at the I/O APICs, and how it signals: its
// global system interrupt (GSI) with polarity and trigger mode (ACPI 6.5,
// 5.2.12.5 and 5.2.13). Pure, from the parsed MADT.
//
// rota has no AML interpreter, so it cannot evaluate a PCI slot's _PRT. It
// routes a PCI function's INTx the way the firmware wired it for the 8259s:
// the Interrupt Line register holds the ISA IRQ the firmware steered the
// pin to (PCI Local Bus 3.0, 6.2.4), and on the PC's chipsets that same wire
// also feeds the I/O APIC input the MADT names for that IRQ. QEMU's pc (PIIX)
// and q35 (ICH9) both do, and list those IRQs as level-triggered overrides.
// docs/interrupts.md has the details.

namespace rota {

enum class Polarity : uint8_t { ActiveHigh, ActiveLow };
enum class Trigger : uint8_t { Edge, Level };

struct GsiRoute {
    uint32_t gsi {0};
    Polarity polarity {Polarity::ActiveHigh};
    Trigger trigger {Trigger::Edge};
    bool overridden {false}; // an Interrupt Source Override said so
};

// ISA IRQ `irq` (0-15): identity mapped, edge triggered, active high, unless an
// override for bus 0 names it. Override flags 00 ("conforms to the bus") keep
// the ISA defaults.
GsiRoute isa_irq_route(const Madt& madt, uint8_t irq);

// A PCI function's INTx by its Interrupt Line. Error::NotFound when the line
// holds no IRQ (0xff: the firmware did not route it, or above 15). Without an
// override, PCI's own convention applies: level triggered, active low.
Expected<GsiRoute> pci_intx_route(const Madt& madt, uint8_t interrupt_line);

// One I/O APIC's share of the GSIs: from its MADT entry's base, as many as
// its version register says it has inputs.
struct IoApicInputs {
    uint32_t gsi_base {0};
    unsigned pins {0};
};

struct IoApicPin {
    size_t ioapic; // index into the span given to find_ioapic_pin()
    unsigned pin;
};

// The I/O APIC input that carries `gsi`; nullopt when none does.
std::optional<IoApicPin> find_ioapic_pin(std::span<const IoApicInputs> ioapics, uint32_t gsi);

} // namespace rota
