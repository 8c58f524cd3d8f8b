#include "core/sync/wake_event.h"

#include "core/cpu/local_apic.h"
#include "core/sync/kernel_cpu.h"
#include "core/time/clock.h"
#include "core/time/sleep.h"

namespace rota {

void WakeEvent::arm()
{
    m_signalled.store(false, std::memory_order_seq_cst);
}

void WakeEvent::sleep_until(uint64_t deadline_ns)
{
    bool was_enabled = KernelCpu::save_and_disable_interrupts();
    m_sleeper.store(local_apic_id() + 1, std::memory_order_seq_cst);
    halt_until(clock_tsc_at_ns(deadline_ns), &m_signalled);
    m_sleeper.store(0, std::memory_order_relaxed);
    KernelCpu::restore_interrupts(was_enabled);
}

void WakeEvent::signal()
{
    m_signalled.store(true, std::memory_order_seq_cst);
    uint32_t sleeper = m_sleeper.load(std::memory_order_seq_cst);
    if (sleeper == 0 || sleeper - 1 == local_apic_id())
        return;
    (void)local_apic_send({IpiDelivery::Fixed, apic_vector::wakeup, sleeper - 1});
}

} // namespace rota
