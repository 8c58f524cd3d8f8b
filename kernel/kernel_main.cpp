// The kernel proper, from the first instruction after ExitBootServices to the
// summary (docs/boot.md, the kernel's part). Boot services are gone: everything here
// reaches hardware directly or through the UEFI runtime services.

#include "core/acpi/acpi.h"
#include "core/boot_info.h"
#include "core/cpu/exception.h"
#include "core/cpu/fpu.h"
#include "core/cpu/idt.h"
#include "core/cpu/interrupts.h"
#include "core/cpu/ioapic.h"
#include "core/cpu/legacy_pic.h"
#include "core/cpu/local_apic.h"
#include "core/cpu/x86.h"
#include "core/log/klog_sink.h"
#include "core/log/log.h"
#include "core/mem/kernel_image.h"
#include "core/mem/kernel_memory.h"
#include "core/panic.h"
#include "core/pci/ecam_config_space.h"
#include "core/pci/pci.h"
#include "core/power.h"
#include "core/time/clock.h"
#include "core/time/sleep.h"
#include "core/time/timers.h"
#include "gfx/display/video.h"
#include "gfx/frame/frame_loop.h"
#include "gfx/roulette/roulette_scene.h"
#include "gfx/test_scene.h"
#include "kernel/debug_faults.h"
#include "kernel/kernel_frame_clock.h"
#include "kernel/page_tables.h"
#include "kernel/roulette_host.h"
#include "kernel/spin_journal.h"
#include "smp/ap_start.h"
#include "smp/per_cpu.h"
#include "smp/selftest.h"
#include "virtio/device/kernel_environment.h"
#include "virtio/transport/virtio_irq.h"

namespace rota {

namespace {

// Until the MADT says otherwise, the machine has the boot CPU only.
uint32_t processor_list(std::span<ProcessorEntry> out)
{
    const Madt* madt = acpi_madt();
    if (madt == nullptr)
        return 0;
    uint32_t count = 0;
    for (const MadtProcessor& p : madt->processors) {
        if (count < out.size())
            out[count++] = {p.apic_id, p.enabled};
    }
    return count;
}

// PCI through ECAM where the MCFG describes it, else the legacy ports. MCFG's
// base is where bus 0 would be, as PciEcamRegion expects.
void find_pci_devices(const Config& config)
{
    PciEcamRegion regions[EcamConfigSpace::max_regions];
    size_t count = 0;
    if (const Mcfg* mcfg = acpi_mcfg()) {
        for (const EcamRegion& r : mcfg->regions) {
            if (count < EcamConfigSpace::max_regions)
                regions[count++] = {PhysAddr(r.base), r.segment, r.start_bus, r.end_bus};
        }
    }
    pci_init(std::span(regions, count), config);
}

void start_cpus(const BootInfo& info)
{
    static ProcessorEntry processors[per_cpu_capacity];
    uint32_t count = processor_list(processors);
    const Madt* madt = acpi_madt();
    smp_init_boot_apic(PhysAddr(madt != nullptr ? madt->local_apic_address : 0));
    uint32_t limit = info.config.cpus.has_value() ? *info.config.cpus : per_cpu_capacity;
    smp_start_aps(std::span(processors, count), limit, info.trampoline_page);
}

// While frames run the log drains between them, never in the middle of one;
// outside the loop every line goes out at once, so a crash loses nothing.
FrameLoopStop run_scene(FrameLoop& loop, Scene& scene)
{
    log_set_immediate(false);
    FrameLoopStop stop = loop.run(scene);
    log_set_immediate(true);
    return stop;
}

// What the interrupt counters said when the frame loop began.
struct InterruptBaseline {
    uint64_t device, timer, halts;
};
constinit InterruptBaseline g_loop_start {};

InterruptBaseline interrupt_counts()
{
    return {irq_device_count(), timer_interrupt_count(), sleep_count()};
}

uint64_t per_frame_x100(uint64_t count, uint64_t frames)
{
    return frames == 0 ? 0 : count * 100 / frames;
}

void print_summary(FrameLoop& loop, const Screen& screen)
{
    FrameSummary s = loop.summary();
    InterruptBaseline now = interrupt_counts();
    uint64_t irqs = now.device - g_loop_start.device;
    virtio::virtio_irq_report();
    klog("[irq] frame_loop device=%lu timer=%lu halts=%lu unexpected=%lu", irqs,
        now.timer - g_loop_start.timer, now.halts - g_loop_start.halts,
        idt_unexpected_interrupts());
    klog("[summary] frames=%lu fps=%s p50_ms=%s p99_ms=%s fences_per_frame=%s spins_per_frame=%s "
         "notifies_per_frame=%s irqs_per_frame=%s render_ms=%s present_ms=%s render_ns_px=%s "
         "log_dropped=%lu "
         "backend=%s cpus=%u",
        s.frames, fps_text(s.frames, loop.elapsed_ns()).text, ms_text(s.p50_ns).text,
        ms_text(s.p99_ns).text, hundredths_text(s.per_frame_x100(s.counters.fences)).text,
        hundredths_text(s.per_frame_x100(s.counters.spins)).text,
        hundredths_text(s.per_frame_x100(s.counters.notifies)).text,
        hundredths_text(per_frame_x100(irqs, s.frames)).text,
        ms_hundredths_text(s.mean_render_ns).text, ms_hundredths_text(s.mean_present_ns).text,
        hundredths_text(s.mean_damage_px ? s.mean_render_ns * 100 / s.mean_damage_px : 0).text,
        log_dropped_lines(), screen.backend_name(), cpu_count());
}

// `layout`, or when the memory for its wheel cannot be had, the largest
// smaller one whose wheel fits (in the end one with no wheel at all). The
// pages are `pages` (none for a layout without a wheel).
RouletteLayout allocate_wheel(RouletteLayout layout, PhysAddr& memory, size_t& pages)
{
    for (;;) {
        size_t bytes = RouletteScene::memory_needed(layout);
        pages = (bytes + page_size - 1) / page_size;
        if (pages == 0) {
            memory = PhysAddr(0);
            return layout;
        }
        auto allocated = allocate_pages(pages);
        if (allocated.has_value()) {
            memory = *allocated;
            return layout;
        }
        RouletteLayout smaller = smaller_layout(layout);
        klog("[roulette] no memory for a wheel of radius %d (%zu KiB): trying radius %d",
            layout.wheel_radius, bytes / 1024, smaller.wheel_radius);
        layout = smaller;
    }
}

// The Wheel of Fate until the gate decides or frames= runs out; then power off,
// or reboot after a loss with gate=on. A fail-over to a display of another
// size lays the table out again for it (the spin in progress starts over).
[[noreturn]] void run_roulette(
    const BootInfo& info, Screen& screen, FrameLoop& loop, FrameStats& stats)
{
    uint64_t seed = info.config.seed.has_value() ? *info.config.seed : x86::rdtsc();
    KernelRouletteHost host(info, screen, stats);
    for (FrameLoopStop stop = FrameLoopStop::DisplayChanged;
         stop == FrameLoopStop::DisplayChanged;) {
        DisplayMode mode = screen.mode();
        RouletteLayout wanted = compute_layout(int32_t(mode.width), int32_t(mode.height));
        if (wanted.fit != LayoutFit::Spec)
            klog("[roulette] small screen %ux%u: %s (radius %d; 0.35 x min(width, height) is "
                 "%d)",
                mode.width, mode.height, layout_fit_reason(wanted.fit), wanted.wheel_radius,
                wanted.spec_radius);
        PhysAddr memory;
        size_t pages = 0;
        RouletteLayout layout = allocate_wheel(wanted, memory, pages);
        klog("[roulette] seed=%lu gate=%s wheel_kib=%zu", seed, info.config.gate ? "on" : "off",
            pages * page_size / 1024);

        uint64_t start = x86::rdtsc();
        RouletteScene scene(
            host, layout, seed, reinterpret_cast<void*>(memory.get()), info.config.spin);
        const RouletteLayout& l = scene.layout();
        klog("[roulette] wheel ready radius=%d texture_rows=%d build_ms=%lu", l.wheel_radius,
            scene.wheel().texture_rows(), clock_ticks_to_ns(x86::rdtsc() - start) / 1'000'000);
        klog("[roulette] layout wheel=%d,%d,%d box=%d,%d,%d,%d banner=%d,%d,%d,%d hud=%d,%d,%d,%d "
             "fit=%s spec_radius=%d",
            l.wheel_cx, l.wheel_cy, l.wheel_radius, l.fate_box.x, l.fate_box.y, l.fate_box.width,
            l.fate_box.height, l.banner.x, l.banner.y, l.banner.width, l.banner.height, l.hud.x,
            l.hud.y, l.hud.width, l.hud.height, layout_fit_name(l.fit), l.spec_radius);
        stop = run_scene(loop, scene);
        RouletteScene::RingCounts ring = scene.ring_counts();
        if (ring.frames != 0)
            klog("[roulette] ring frames=%lu drawn_pct=%lu", ring.frames,
                ring.whole != 0 ? ring.drawn * 100 / ring.whole : 0);
        if (stop == FrameLoopStop::DisplayChanged)
            klog("[roulette] the display is now %ux%u: laying the table out again",
                screen.mode().width, screen.mode().height);
        if (pages != 0)
            free_pages(memory, pages);
    }
    host.report_parallel();
    print_summary(loop, screen);
    if (host.reboot_requested())
        reboot();
    power_off();
}

} // namespace

void kernel_main(const BootInfo& info)
{
    uint64_t tsc_at_kernel = x86::rdtsc();
    if (info.magic != BootInfo::expected_magic)
        panic("BootInfo has a bad magic 0x%lx", info.magic);
    // The firmware's timer interrupts stop at ExitBootServices, but its 8259s
    // may still hold one: mask them before interrupts can be taken again.
    x86::cli();
    fpu_init();
    mask_legacy_pic();
    idt_init();
    smp_init_boot_cpu(info.kernel_stack, info.ist_stacks);
    exception_set_context(kernel_image_layout(info.image_base, info.image_size));
    klog("[boot] exit-boot-services ok attempts=%u", info.exit_boot_services_attempts);

    memory_init(info);
    acpi_init(info);
    page_tables_init(info);
    clock_calibrate(acpi_fadt() ? acpi_fadt()->pm_timer : std::nullopt);
    // Interrupts before any CPU or device can raise one: the timer queue's
    // vector, the device vectors' dispatcher, and every I/O APIC input masked.
    timers_init();
    interrupts_init();
    ioapic_init(acpi_madt());
    start_cpus(info);
    find_pci_devices(info.config);
    page_tables_map_pci_bars();
    virtio::kernel_devices_use_interrupts(info.config.irq);
    journal_init(info.config);
    run_debug_faults(info.config);
    if (info.config.debug & DebugSmpSelftest)
        smp_selftest();
    Screen& screen = video_init(info);

    uint64_t now = x86::rdtsc();
    klog("[boot] ready ms_since_efi_entry=%lu ms_since_kernel_entry=%lu",
        clock_ticks_to_ns(now - info.tsc_at_entry) / 1'000'000,
        clock_ticks_to_ns(now - tsc_at_kernel) / 1'000'000);

    auto* stats = new FrameStats();
    FrameLoopOptions options = FrameLoopOptions::from(info.config);
    options.boot_started_ns
        = int64_t(clock_now_ns()) - int64_t(clock_ticks_to_ns(x86::rdtsc() - tsc_at_kernel));
    auto* loop = new FrameLoop(screen, *stats, options, kernel_frame_clock(), klog_sink());
    g_loop_start = interrupt_counts();
    if (screen.headless() || (info.config.debug & DebugTestScene)) {
        // Headless there is nothing to show; debug=test-scene shows the
        // display test pattern instead of the roulette.
        TestScene scene;
        while (run_scene(*loop, scene) == FrameLoopStop::DisplayChanged) { }
        print_summary(*loop, screen);
        power_off();
    }
    run_roulette(info, screen, *loop, *stats);
}

} // namespace rota
