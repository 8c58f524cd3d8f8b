#pragma once

#include <cstdint>

#include "core/lib/expected.h"
#include "core/time/timer_queue.h"

// Kernel timers: one TimerQueue (core/time/timer_queue.h) per CPU, in front of
// that CPU's local APIC timer, which is always armed for the queue's earliest
// deadline (core/cpu/local_apic.h: TSC-deadline or one-shot mode). Deadlines
// are TSC values. A timer belongs to the CPU that added it, and its callback
// runs there, in the timer interrupt.

namespace rota {

// Boot CPU, once, after the local APIC: installs the timer interrupt.
void timers_init();

// On the calling CPU. Error::Busy when its queue is full.
Expected<TimerId> timer_add(
    uint64_t deadline_tsc, TimerQueue::Callback callback = nullptr, void* context = nullptr);
// On the CPU that added it. False if it already ran (or never existed).
bool timer_cancel(TimerId id);

// Timer interrupts taken since boot, every CPU.
uint64_t timer_interrupt_count();

} // namespace rota
