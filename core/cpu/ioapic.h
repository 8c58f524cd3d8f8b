#pragma once

#include <cstdint>

#include "core/acpi/madt.h"
#include "core/cpu/interrupts.h"
#include "core/cpu/irq_route.h"
#include "core/lib/expected.h"

// The machine's I/O APICs, as the MADT lists them (ACPI 6.5, 5.2.12.3): every
// input is masked at boot and stays masked until a driver claims it; the 8259s
// stay masked for good (core/cpu/legacy_pic.h). A claimed input delivers one
// device vector (core/cpu/interrupts.h) to the claiming CPU.
//
// A level-triggered line may be shared (PCI INTx): each claimant's handler
// runs for every interrupt on the line and looks at its own device, which is
// how level-triggered sharing works (PCI Local Bus 3.0, 2.2.6).

namespace rota {

struct IrqLine {
    GsiRoute route;
    IrqVector irq;
};

// Boot CPU, once, before any driver: reads each I/O APIC's size, masks every
// input and logs "[irq] ioapic id=0 address=0xfec00000 gsis=0-23 ...".
// Without a MADT there is no I/O APIC, and every claim fails.
void ioapic_init(const Madt* madt);

// Claims the input `route` names for `handler`, on the calling CPU: the
// entry is programmed and unmasked. A second claim of a claimed input shares
// it when both are level triggered with the same polarity, else Error::Busy;
// Error::NotFound when no I/O APIC has that GSI.
Expected<IrqLine> ioapic_claim(
    const GsiRoute& route, DeviceInterruptHandler handler, void* context);

} // namespace rota
