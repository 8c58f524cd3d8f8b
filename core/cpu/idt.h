#pragma once

#include <cstdint>

#include "core/cpu/interrupt_frame.h"

// The interrupt descriptor table, shared by every CPU. All 256 vectors enter
// through isr.S; exceptions (0-31) go to the crash reporter, the rest to a
// handler registered for the vector (or are reported as unexpected).

namespace rota {

using InterruptHandler = void (*)(InterruptFrame&);

// Builds the IDT once (boot CPU) and loads it on the calling CPU.
void idt_init();
void idt_load();
// Installs a handler for a vector >= 32; returns false if the vector is taken.
bool idt_set_handler(uint8_t vector, InterruptHandler handler);

// Every vector >= 32 is acknowledged at the local APIC after its handler (or
// its absence), when the APIC has it in service: handlers never send an EOI.

// Interrupts taken on a vector >= 32 with no handler, on every CPU since boot.
// Each is counted and (the first few) logged, then acknowledged like any
// other: left unacknowledged it would block every interrupt of its priority
// class and below, the timer's among them.
uint64_t idt_unexpected_interrupts();
// Counts and logs one such interrupt; also for dispatchers that find no
// handler behind a vector they own (core/cpu/interrupts.cpp).
void idt_count_unexpected(const InterruptFrame& frame);

} // namespace rota
