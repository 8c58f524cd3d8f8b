#pragma once

#include <atomic>
#include <cstdint>

// Sleeping instead of spinning: the CPU halts (sti; hlt) until an interrupt,
// with a timer (core/time/timers.h) for the deadline. Under emulation a halted
// vCPU's host thread sleeps and leaves the host's cores to the device models;
// on hardware it saves power.
//
// rota's CPUs run with interrupts off except while they sleep (and the
// application processors while they wait for work): an interrupt that comes
// while the CPU works stays pending at its local APIC and is taken at the next
// sleep. Handlers therefore never interleave with the code they wake.

namespace rota {

// Halts until the TSC reaches `deadline_tsc` or, when `wake` is given, it
// reads true; other interrupts are handled and the halt resumes. Must be
// called with interrupts off; they are off again on return. Returns at once
// when the deadline has passed or `wake` is already set.
void halt_until(uint64_t deadline_tsc, const std::atomic<bool>* wake = nullptr);

// One halt of at most `us` microseconds: ends at the first interrupt. False,
// without halting, before the clock is calibrated.
bool sleep_for_us(uint64_t us);

// Halts until `deadline_ns` on the kernel clock (core/time/clock.h), with
// interrupts restored as they were.
void sleep_until_ns(uint64_t deadline_ns);

// Halts taken since boot, every CPU: how often a CPU slept.
uint64_t sleep_count();

} // namespace rota
