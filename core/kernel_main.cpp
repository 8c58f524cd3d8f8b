// The kernel proper, from the first instruction after ExitBootServices to the
// summary (SPEC section 1.2 onwards). Boot services are gone: everything here
// reaches hardware directly or through the UEFI runtime services.

#include "core/boot_info.h"
#include "core/cpu/exception.h"
#include "core/cpu/gdt.h"
#include "core/cpu/idt.h"
#include "core/cpu/x86.h"
#include "core/log/log.h"
#include "core/mem/kernel_memory.h"
#include "core/panic.h"
#include "core/power.h"
#include "core/time/clock.h"

namespace rota {

namespace {

constinit CpuTables g_boot_cpu_tables {};

void set_up_boot_cpu(const BootInfo& info)
{
    build_cpu_tables(g_boot_cpu_tables, info.ist_stack_tops);
    load_cpu_tables(g_boot_cpu_tables);
    idt_init();
    exception_set_context(info.image_base.get(), { info.kernel_stack_bottom, info.kernel_stack_top });
}

// debug=fault-*: crash on purpose, so tests can see the exception report.
void run_debug_faults(const Config& config)
{
    if (config.debug & DebugFaultPageFault) {
        klog("[debug] forcing a page fault at 0xffff8000deadb000");
        *reinterpret_cast<volatile uint64_t*>(0xffff8000deadb000ull) = 1;
    }
    if (config.debug & DebugFaultGeneralProtection) {
        klog("[debug] forcing a general-protection fault (non-canonical address)");
        *reinterpret_cast<volatile uint64_t*>(0x8000000000000000ull) = 1;
    }
    if (config.debug & DebugFaultInvalidOpcode) {
        klog("[debug] forcing an invalid-opcode fault (ud2)");
        asm volatile("ud2");
    }
    if (config.debug & DebugFaultDivide) {
        klog("[debug] forcing a divide error");
        volatile uint32_t zero = 0;
        volatile uint32_t result = 1 / zero;
        (void)result;
    }
}

const char* report_display(const BootInfo& info)
{
    switch (info.gop.format) {
    case PixelFormat::None:
        klog("[video] no display device: running headless");
        return "none";
    case PixelFormat::BltOnly:
        klog("[video] gop unusable: blt-only (no linear framebuffer after ExitBootServices)");
        klog("[video] no usable display: running headless");
        return "none";
    default:
        klog("[video] gop framebuffer %ux%u at 0x%lx is available (no presenter yet)", info.gop.width,
            info.gop.height, info.gop.base.get());
        return "none";
    }
}

} // namespace

void kernel_main(const BootInfo& info)
{
    uint64_t tsc_at_kernel = x86::rdtsc();
    if (info.magic != BootInfo::expected_magic)
        panic("BootInfo has a bad magic 0x%lx", info.magic);
    set_up_boot_cpu(info);
    klog("[boot] exit-boot-services ok attempts=%u", info.exit_boot_services_attempts);

    memory_init(info);
    clock_calibrate();
    run_debug_faults(info.config);
    const char* backend = report_display(info);

    uint64_t now = x86::rdtsc();
    klog("[boot] ready ms_since_efi_entry=%lu ms_since_kernel_entry=%lu",
        clock_ticks_to_ns(now - info.tsc_at_entry) / 1'000'000, clock_ticks_to_ns(now - tsc_at_kernel) / 1'000'000);
    klog("[summary] frames=0 fps=0.0 p50_ms=0.0 p99_ms=0.0 fences_per_frame=0.0 spins_per_frame=0 "
         "notifies_per_frame=0.0 log_dropped=%lu backend=%s cpus=1",
        log_dropped_lines(), backend);
    power_off();
}

} // namespace rota
