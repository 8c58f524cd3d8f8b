#include "core/time/timers.h"

#include <atomic>

#include "core/acpi/madt.h"
#include "core/cpu/cpu_local.h"
#include "core/cpu/idt.h"
#include "core/cpu/local_apic.h"
#include "core/sync/kernel_cpu.h"

namespace rota {

namespace {

// One per CPU index, made on that CPU's first timer_add (so CPUs that never
// sleep on a timer cost nothing). Protected by running on that CPU with
// interrupts off: the timer interrupt is the only other user, and it runs
// there too, only once a timer was added.
constinit TimerQueue* g_queues[max_cpus] {};
constinit std::atomic<uint64_t> g_interrupts {0};

TimerQueue& this_cpu_queue()
{
    TimerQueue*& queue = g_queues[current_cpu_index()];
    if (queue == nullptr)
        queue = new TimerQueue();
    return *queue;
}

// Arms the hardware for the earliest deadline, or stops it.
void rearm(const TimerQueue& queue)
{
    auto next = queue.next_deadline();
    if (next.has_value())
        local_apic_timer_arm(*next);
    else
        local_apic_timer_stop();
}

void timer_interrupt(InterruptFrame&)
{
    g_interrupts.fetch_add(1, std::memory_order_relaxed);
    TimerQueue& queue = this_cpu_queue();
    queue.expire(x86::rdtsc());
    // A one-shot count clamped at 32 bits can end before the deadline; then
    // nothing expired and this arms the rest of the wait.
    rearm(queue);
}

struct InterruptsOff {
    bool was_enabled = KernelCpu::save_and_disable_interrupts();
    ~InterruptsOff() { KernelCpu::restore_interrupts(was_enabled); }
};

} // namespace

void timers_init()
{
    ROTA_ASSERT(idt_set_handler(vector::timer, timer_interrupt));
}

Expected<TimerId> timer_add(uint64_t deadline_tsc, TimerQueue::Callback callback, void* context)
{
    InterruptsOff off;
    TimerQueue& queue = this_cpu_queue();
    auto earliest = queue.next_deadline();
    TimerId id = TRY(queue.add(deadline_tsc, callback, context));
    if (!earliest.has_value() || deadline_tsc < *earliest)
        local_apic_timer_arm(deadline_tsc);
    return id;
}

bool timer_cancel(TimerId id)
{
    InterruptsOff off;
    TimerQueue& queue = this_cpu_queue();
    auto earliest = queue.next_deadline();
    bool cancelled = queue.cancel(id);
    // Only a change of the earliest deadline needs the hardware; a timer
    // left armed for a cancelled deadline would cost one empty interrupt.
    if (cancelled && queue.next_deadline() != earliest)
        rearm(queue);
    return cancelled;
}

uint64_t timer_interrupt_count()
{
    return g_interrupts.load(std::memory_order_relaxed);
}

} // namespace rota
