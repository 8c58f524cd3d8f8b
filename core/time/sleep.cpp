#include "core/time/sleep.h"

#include "core/cpu/x86.h"
#include "core/lib/assert.h"
#include "core/sync/kernel_cpu.h"
#include "core/time/clock.h"
#include "core/time/timers.h"

namespace rota {

namespace {

constinit std::atomic<uint64_t> g_halts {0};

// sti takes effect after the next instruction, so an interrupt that became
// pending after the caller's last look (interrupts were off) ends this hlt
// instead of being taken before it and leaving the CPU asleep.
void halt_once()
{
    g_halts.fetch_add(1, std::memory_order_relaxed);
    asm volatile("sti; hlt; cli" ::: "memory");
}

} // namespace

void halt_until(uint64_t deadline_tsc, const std::atomic<bool>* wake)
{
    ROTA_ASSERT(!x86::interrupts_enabled());
    auto done = [&] {
        return (wake != nullptr && wake->load(std::memory_order_seq_cst))
            || x86::rdtsc() >= deadline_tsc;
    };
    if (done())
        return;
    auto timer = timer_add(deadline_tsc);
    if (timer.is_error()) {
        // Every timer slot on this CPU is taken: a bug elsewhere, but not one
        // to hang on. Wait the old way.
        while (!done())
            x86::pause();
        return;
    }
    while (!done())
        halt_once();
    timer_cancel(*timer);
}

bool sleep_for_us(uint64_t us)
{
    if (clock_tsc_hz() == 0)
        return false;
    bool was_enabled = KernelCpu::save_and_disable_interrupts();
    uint64_t deadline = x86::rdtsc() + clock_ns_to_ticks(us * 1000);
    auto timer = timer_add(deadline);
    if (timer.has_value()) {
        halt_once();
        timer_cancel(*timer);
    }
    KernelCpu::restore_interrupts(was_enabled);
    return timer.has_value();
}

void sleep_until_ns(uint64_t deadline_ns)
{
    bool was_enabled = KernelCpu::save_and_disable_interrupts();
    halt_until(clock_tsc_at_ns(deadline_ns));
    KernelCpu::restore_interrupts(was_enabled);
}

uint64_t sleep_count()
{
    return g_halts.load(std::memory_order_relaxed);
}

} // namespace rota
