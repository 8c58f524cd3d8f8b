#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "core/cpu/cpu_local.h"
#include "core/cpu/gdt.h"
#include "core/mem/tlb_settle.h"
#include "core/sync/kernel_cpu.h"
#include "smp/preempt.h"

// Each CPU's own block, reached through GS: the self-pointer at offset 0 lets
// C++ turn %gs into an ordinary pointer with one load. Fields that assembly or
// core/ reads by offset are static_asserted against core/cpu/cpu_local.h.
// Code may use the current CPU's block only inside a preemption guard, whose
// cpu() hands it out.

namespace rota {

inline constexpr uint32_t per_cpu_capacity = 256;

struct PerCpu {
    PerCpu* self;
    uint32_t index; // 0 = boot CPU; dense, in start-up order
    uint32_t apic_id; // local APIC (or x2APIC) id
    PreemptState preempt;
    uint64_t stack_bottom;
    uint64_t stack_top;

    std::atomic<bool> online {false};
    StackRegion ist_stacks[ist::count] {}; // in ist:: slot order
    uint64_t selftest_counter {0}; // Only this CPU touches it (under a guard).
    uint64_t start_ticks {0}; // TSC ticks from INIT to online, for the report
    TlbSettle tlb_settle {}; // Only this CPU touches it (under a guard).

    alignas(16) CpuTables tables {};
};

static_assert(offsetof(PerCpu, self) == cpu_local_offset::self);
static_assert(offsetof(PerCpu, index) == cpu_local_offset::index);
static_assert(offsetof(PerCpu, apic_id) == cpu_local_offset::apic_id);
static_assert(offsetof(PerCpu, preempt) == cpu_local_offset::preempt);
static_assert(offsetof(PerCpu, stack_bottom) == cpu_local_offset::stack_bottom);
static_assert(offsetof(PerCpu, stack_top) == cpu_local_offset::stack_top);
static_assert(offsetof(PerCpu, ist_stacks) == cpu_local_offset::ist_stacks);
static_assert(sizeof(StackRegion) == cpu_local_offset::ist_stack_stride);

using PreemptGuard = BasicPreemptGuard<KernelCpu>;
using InterruptGuard = BasicInterruptGuard<KernelCpu>;

// The current CPU's block. The guard argument is the proof that the caller
// cannot move to another CPU while it uses the block.
inline PerCpu& this_cpu(PreemptGuard&)
{
    return *reinterpret_cast<PerCpu*>(cpu_local_read64(cpu_local_offset::self));
}
inline PerCpu& this_cpu(InterruptGuard&)
{
    return *reinterpret_cast<PerCpu*>(cpu_local_read64(cpu_local_offset::self));
}

// Loads this CPU's GDT/TSS and the IDT and points GS at `cpu`.
void per_cpu_install(PerCpu& cpu);

// Every CPU's block by index (null past cpu_count()).
PerCpu* cpu_by_index(uint32_t index);
uint32_t cpu_count();
// Registers a block (the boot CPU's first); returns false when full.
bool cpu_register(PerCpu& cpu);
// Takes back the last registration (a CPU that failed to start).
void cpu_unregister_last();
// The boot CPU's block, a static: it exists before the heap does.
PerCpu& boot_cpu();

} // namespace rota
