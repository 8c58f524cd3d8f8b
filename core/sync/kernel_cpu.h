#pragma once

#include <cstdint>

#include "core/cpu/cpu_local.h"
#include "core/cpu/x86.h"

// The kernel's Cpu policy for locks and preemption guards (core/sync/spinlock.h,
// smp/preempt.h): the interrupt flag, and the CPU's identity and preemption
// state from its per-CPU block.

namespace rota {

struct PreemptState;
// The boot CPU's preemption state before its per-CPU block exists.
extern PreemptState g_early_preempt_state;

struct KernelCpu {
    // +1 so that 0 can mean "nobody" in a lock's owner field.
    static uint32_t current_id() { return current_cpu_index() + 1; }
    static bool save_and_disable_interrupts()
    {
        bool enabled = x86::interrupts_enabled();
        x86::cli();
        return enabled;
    }
    static void restore_interrupts(bool was_enabled)
    {
        if (was_enabled)
            x86::sti();
    }
    static void relax() { x86::pause(); }
    static PreemptState& preempt_state()
    {
        if (!g_per_cpu_ready)
            return g_early_preempt_state;
        return *reinterpret_cast<PreemptState*>(
            cpu_local_read64(cpu_local_offset::self) + cpu_local_offset::preempt);
    }
};

} // namespace rota
