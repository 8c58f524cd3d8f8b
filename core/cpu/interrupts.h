#pragma once

#include <cstdint>

#include "core/cpu/vectors.h"
#include "core/lib/expected.h"

// Device interrupts: a vector on a CPU (core/cpu/vector_allocator.h) and the
// handler behind it. Every device vector enters the same dispatcher, which
// finds the handler for (this CPU, vector) and runs it; the IDT sends the EOI
// after it, as for every vector (core/cpu/idt.h). A device vector that
// arrives with no handler behind it (a stray message, a vector freed while its
// message was on the way) is counted like any other unexpected interrupt, and
// acknowledged the same way.
//
// Handlers run with interrupts off and must be short: the "top half" of
// docs/interrupts.md. They acknowledge their device if it needs it (a read
// of virtio's ISR status, 4.1.4.5) and wake whoever waits; the waiting context
// does the work.

namespace rota {

// Runs in the interrupt; the EOI follows when it returns.
using DeviceInterruptHandler = void (*)(void* context);

struct IrqVector {
    uint32_t cpu {0}; // index of the CPU the vector belongs to
    uint32_t apic_id {0}; // that CPU's local APIC, the MSI destination
    uint8_t vector {0};
};

// Boot CPU, once, before any device is set up: routes every device vector of
// the IDT to the dispatcher.
void interrupts_init();

// A vector on the calling CPU with `handler` behind it. Error::Busy when the
// CPU has no free device vector, Error::Unsupported on a CPU past
// max_interrupt_cpus.
Expected<IrqVector> irq_allocate(DeviceInterruptHandler handler, void* context);
// Frees the vector; its device must no longer send it (masked first).
void irq_free(const IrqVector& irq);

// Device interrupts handled since boot, every CPU.
uint64_t irq_device_count();

} // namespace rota
