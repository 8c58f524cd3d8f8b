#include "kernel/debug_faults.h"

#include <cstdint>

#include "core/cpu/cpu_local.h"
#include "core/cpu/idt.h"
#include "core/cpu/local_apic.h"
#include "core/cpu/x86.h"
#include "core/log/log.h"
#include "core/time/clock.h"
#include "smp/parallel.h"
#include "smp/per_cpu.h"

namespace rota {

namespace {

// A `ret` in writable data: mapped no-execute, so calling it faults. Were it
// executable, the call would simply return.
alignas(16) constinit uint8_t g_ret_in_data[16] = {0xc3};

// Each level's frame is a fraction of a page, so the recursion walks down the
// stack page by page until it touches the guard.
[[gnu::noinline]] uint64_t recurse(uint64_t depth)
{
    volatile uint8_t frame[512];
    frame[depth % sizeof frame] = static_cast<uint8_t>(depth);
    if (depth == UINT64_MAX) // never: keeps the compiler from calling this infinite
        return 0;
    return recurse(depth + 1) + frame[depth % sizeof frame];
}

void fault_stack_overflow()
{
    klog("[debug] forcing a stack overflow on cpu %u (unbounded recursion)", current_cpu_index());
    (void)recurse(0);
}

void fault_null()
{
    klog("[debug] forcing a null pointer read on cpu %u", current_cpu_index());
    volatile uint64_t* volatile pointer = nullptr;
    (void)pointer[1];
}

void fault_write_text()
{
    klog("[debug] forcing a write to the kernel's text on cpu %u", current_cpu_index());
    auto* code = reinterpret_cast<volatile uint8_t*>(reinterpret_cast<uintptr_t>(&recurse));
    *code = *code;
}

void fault_exec_data()
{
    klog("[debug] forcing a jump into the kernel's data on cpu %u", current_cpu_index());
    auto* function = reinterpret_cast<void (*)()>(reinterpret_cast<uintptr_t>(g_ret_in_data));
    function();
}

void run_faults(uint32_t flags)
{
    if (flags & DebugFaultPageFault) {
        klog("[debug] forcing a page fault at 0xffff8000deadb000");
        *reinterpret_cast<volatile uint64_t*>(0xffff8000deadb000ull) = 1;
    }
    if (flags & DebugFaultGeneralProtection) {
        klog("[debug] forcing a general-protection fault (non-canonical address)");
        *reinterpret_cast<volatile uint64_t*>(0x8000000000000000ull) = 1;
    }
    if (flags & DebugFaultInvalidOpcode) {
        klog("[debug] forcing an invalid-opcode fault (ud2)");
        asm volatile("ud2");
    }
    if (flags & DebugFaultDivide) {
        klog("[debug] forcing a divide error");
        volatile uint32_t zero = 0;
        volatile uint32_t result = 1 / zero;
        (void)result;
    }
    // Each of these halts the machine when the protection works; when one
    // returns, the next runs and the log says which did not fault.
    if (flags & DebugFaultNull) {
        fault_null();
        klog("[debug] fault-null: no fault");
    }
    if (flags & DebugFaultWriteText) {
        fault_write_text();
        klog("[debug] fault-write-text: no fault");
    }
    if (flags & DebugFaultExecData) {
        fault_exec_data();
        klog("[debug] fault-exec-data: no fault");
    }
    if (flags & DebugFaultStackOverflow) {
        fault_stack_overflow();
        klog("[debug] fault-stack-overflow: no fault");
    }
}

// A vector nobody handles, in the nap timer's priority class: until it is
// acknowledged, no nap (and so no device wait) can end.
void stray_irq()
{
    constexpr uint8_t stray = 0xe4;
    klog("[debug] sending a self-IPI on vector 0x%x, which has no handler", stray);
    (void)local_apic_send({IpiDelivery::Fixed, stray, 0, true, false, IpiShorthand::Self});
    local_apic_nap(1000); // takes the stray interrupt, then waits for the timer
    local_apic_nap(1000);
    klog("[debug] the nap timer still works: unexpected_interrupts=%lu",
        idt_unexpected_interrupts());
}

struct ApFault {
    uint32_t flags;
    uint32_t target;
};

// parallel_for has no "run on CPU n": every CPU takes chunks, the target runs
// the faults when it gets one, the others wait out theirs (a millisecond each),
// so the job lasts long enough for the target to join.
void fault_on_ap(uint32_t flags)
{
    uint32_t target = cpu_count() - 1;
    klog("[debug] fault-on-ap: running the faults on cpu %u", target);
    ApFault fault {flags, target};
    auto body = [&fault](uint64_t, uint64_t) {
        if (current_cpu_index() == fault.target) {
            run_faults(fault.flags);
            return;
        }
        uint64_t end = x86::rdtsc() + clock_ns_to_ticks(1'000'000);
        while (x86::rdtsc() < end)
            x86::pause();
    };
    parallel_for(4096, 1, body);
    klog("[debug] fault-on-ap: cpu %u ran the faults and is still going", target);
}

} // namespace

void run_debug_faults(const Config& config)
{
    constexpr uint32_t all = DebugFaultPageFault | DebugFaultGeneralProtection
        | DebugFaultInvalidOpcode | DebugFaultDivide | DebugFaultNull | DebugFaultWriteText
        | DebugFaultExecData | DebugFaultStackOverflow;
    if (config.debug & DebugStrayIrq)
        stray_irq();
    uint32_t flags = config.debug & all;
    if (flags == 0)
        return;
    if ((config.debug & DebugFaultOnAp) == 0)
        return run_faults(flags);
    if (cpu_count() < 2) {
        klog("[debug] fault-on-ap: no application processor is online; faulting on cpu 0");
        return run_faults(flags);
    }
    fault_on_ap(flags);
}

} // namespace rota
