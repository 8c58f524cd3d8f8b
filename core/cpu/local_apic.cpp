#include "core/cpu/local_apic.h"

#include "core/cpu/x86.h"
#include "core/time/clock.h"
#include "core/time/sleep.h"

namespace rota {

namespace {

constexpr uint32_t msr_apic_base = 0x1b;
constexpr uint64_t apic_base_enable = 1u << 11;
constexpr uint64_t apic_base_x2apic = 1u << 10;
constexpr uint64_t apic_base_address_mask = 0x000ffffffffff000ull;

// Register offsets in the xAPIC MMIO page; the x2APIC MSR is 0x800 + offset/16
// (SDM vol. 3, table 11-6).
namespace reg {
constexpr uint32_t id = 0x20;
constexpr uint32_t eoi = 0xb0;
constexpr uint32_t spurious = 0xf0;
constexpr uint32_t in_service = 0x100; // ISR: eight 32-bit registers, 0x10 apart
constexpr uint32_t error_status = 0x280;
constexpr uint32_t icr_low = 0x300;
constexpr uint32_t icr_high = 0x310;
constexpr uint32_t lvt_timer = 0x320;
constexpr uint32_t timer_initial = 0x380;
constexpr uint32_t timer_current = 0x390;
constexpr uint32_t timer_divide = 0x3e0;
} // namespace reg

constexpr uint32_t x2apic_icr_msr = 0x830;
constexpr uint32_t msr_tsc_deadline = 0x6e0; // IA32_TSC_DEADLINE
constexpr uint32_t lvt_masked = 1u << 16;
constexpr uint32_t lvt_timer_tsc_deadline = 0b10u << 17; // bits 18:17 (SDM 11.5.1)
constexpr uint32_t timer_divide_16 = 0b0011;

constinit ApicMode g_mode = ApicMode::XApic;
constinit volatile uint32_t* g_mmio = nullptr;
constinit uint64_t g_timer_hz = 0;
constinit ApicTimerMode g_timer_mode = ApicTimerMode::OneShot;

uint32_t read(uint32_t offset)
{
    if (g_mode == ApicMode::X2Apic)
        return static_cast<uint32_t>(x86::rdmsr(0x800 + offset / 16));
    return g_mmio[offset / 4];
}

void write(uint32_t offset, uint32_t value)
{
    if (g_mode == ApicMode::X2Apic)
        x86::wrmsr(0x800 + offset / 16, value);
    else
        g_mmio[offset / 4] = value;
}

void enable_this_cpu()
{
    uint64_t base = x86::rdmsr(msr_apic_base);
    uint64_t wanted = base | apic_base_enable | (g_mode == ApicMode::X2Apic ? apic_base_x2apic : 0);
    if (wanted != base)
        x86::wrmsr(msr_apic_base, wanted);
    // Software-enable with the spurious vector; clear any stale error state.
    write(reg::spurious, 0x100u | apic_vector::spurious);
    write(reg::error_status, 0);
    write(reg::error_status, 0);
    write(reg::lvt_timer, lvt_masked);
}

// The timer's LVT entry for the timer queue: its vector, unmasked, in the
// chosen mode. In TSC-deadline mode, the mode must be set before the
// deadline MSR is written (SDM 11.5.4.1).
void program_timer_lvt()
{
    write(reg::timer_divide, timer_divide_16);
    uint32_t mode = g_timer_mode == ApicTimerMode::TscDeadline ? lvt_timer_tsc_deadline : 0;
    write(reg::lvt_timer, vector::timer | mode);
}

uint64_t measure_timer_hz()
{
    write(reg::timer_divide, 0b0011); // divide by 16
    write(reg::lvt_timer, lvt_masked);
    write(reg::timer_initial, 0xffffffffu);
    uint64_t start = x86::rdtsc_ordered();
    clock_delay_us(10'000);
    uint32_t current = read(reg::timer_current);
    uint64_t elapsed_ns = clock_ticks_to_ns(x86::rdtsc_ordered() - start);
    write(reg::timer_initial, 0);
    uint64_t ticks = 0xffffffffu - current;
    return elapsed_ns == 0 ? 0 : ticks * 1'000'000'000ull / elapsed_ns;
}

} // namespace

ApicMode local_apic_init_boot(PhysAddr madt_base)
{
    uint64_t base = x86::rdmsr(msr_apic_base);
    g_mode = (base & apic_base_x2apic) != 0 ? ApicMode::X2Apic : ApicMode::XApic;
    uint64_t mmio = madt_base.is_null() ? (base & apic_base_address_mask) : madt_base.get();
    // rota runs on the firmware's identity map, which covers the APIC page.
    g_mmio = reinterpret_cast<volatile uint32_t*>(mmio);
    enable_this_cpu();
    g_timer_hz = measure_timer_hz();
    g_timer_mode = apic_timer_mode_for(x86::cpuid(1).ecx);
    program_timer_lvt();
    return g_mode;
}

void local_apic_init_ap()
{
    enable_this_cpu();
    program_timer_lvt();
}

ApicMode local_apic_mode()
{
    return g_mode;
}

uint32_t local_apic_id()
{
    return g_mode == ApicMode::X2Apic ? read(reg::id) : read(reg::id) >> 24;
}

void local_apic_eoi()
{
    write(reg::eoi, 0);
}

bool local_apic_in_service(uint8_t vector)
{
    return (read(reg::in_service + 0x10 * (vector / 32)) >> (vector % 32) & 1) != 0;
}

Expected<void> local_apic_send(const Ipi& ipi)
{
    if (g_mode == ApicMode::X2Apic) {
        // WRMSR to the x2APIC's registers is not serialising, so the IPI can
        // leave before this CPU's earlier stores are globally visible: the
        // woken CPU could miss the work the IPI announces (parallel_for's job).
        // MFENCE then LFENCE orders them, as SDM vol. 3, 11.12.3 recommends.
        asm volatile("mfence; lfence" ::: "memory");
        // One MSR write; no delivery-status bit to wait for (SDM 11.12.9).
        x86::wrmsr(x2apic_icr_msr, icr_x2apic(ipi));
        return {};
    }
    // The xAPIC's registers are uncached memory: x86 does not reorder a store
    // to them with earlier stores (SDM vol. 3, 9.2.2), so no fence is needed.
    write(reg::icr_high, icr_high_xapic(ipi));
    write(reg::icr_low, icr_low(ipi));
    uint64_t deadline = x86::rdtsc() + clock_ns_to_ticks(100'000'000);
    while ((read(reg::icr_low) & icr_delivery_pending) != 0) {
        if (x86::rdtsc() > deadline)
            return make_error(Error::Timeout);
        x86::pause();
    }
    return {};
}

uint64_t local_apic_timer_hz()
{
    return g_timer_hz;
}

ApicTimerMode local_apic_timer_mode()
{
    return g_timer_mode;
}

void local_apic_timer_arm(uint64_t deadline_tsc)
{
    if (g_timer_mode == ApicTimerMode::TscDeadline) {
        // 0 would disarm it; a deadline already past fires at once.
        x86::wrmsr(msr_tsc_deadline, deadline_tsc == 0 ? 1 : deadline_tsc);
        return;
    }
    uint64_t now = x86::rdtsc();
    uint64_t delta = deadline_tsc > now ? deadline_tsc - now : 0;
    write(reg::timer_initial, one_shot_count(delta, clock_tsc_hz(), g_timer_hz));
}

void local_apic_timer_stop()
{
    if (g_timer_mode == ApicTimerMode::TscDeadline)
        x86::wrmsr(msr_tsc_deadline, 0);
    else
        write(reg::timer_initial, 0);
}

bool local_apic_nap(uint32_t us)
{
    return sleep_for_us(us);
}

} // namespace rota
