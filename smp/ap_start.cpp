#include "smp/ap_start.h"

#include <cstring>

#include "core/cpu/idt.h"
#include "core/cpu/local_apic.h"
#include "core/cpu/panic_stop.h"
#include "core/cpu/x86.h"
#include "core/log/log.h"
#include "core/mem/guarded_stack.h"
#include "core/mem/kernel_memory.h"
#include "core/mem/paging.h"
#include "core/time/clock.h"
#include "smp/per_cpu.h"
#include "smp/trampoline_layout.h"
#include "smp/worker.h"

extern "C" char ap_trampoline_start[];
extern "C" char ap_trampoline_32[];
extern "C" char ap_trampoline_64[];
extern "C" char ap_trampoline_end[];

namespace rota {

namespace {

constexpr size_t stack_pages = 16; // 64 KiB kernel stack per CPU
constexpr size_t ist_stack_pages = 4; // 16 KiB per IST stack
constexpr uint64_t online_timeout_ns = 1'000'000'000;
constexpr uint64_t sipi_gap_ns = 200'000;

struct [[gnu::packed]] FarPointer {
    uint32_t offset;
    uint16_t selector;
};

// The data block of the trampoline page, as trampoline_layout.h lays it out.
struct [[gnu::packed]] TrampolineData {
    uint64_t gdt[5];
    uint16_t gdt_limit;
    uint32_t gdt_base;
    uint16_t padding0;
    FarPointer far32;
    uint16_t padding1;
    FarPointer far64;
    uint16_t padding2;
    uint64_t cr3, cr4, efer, cr0;
    uint64_t stack_top;
    uint64_t per_cpu;
    uint64_t entry;
    uint32_t started;
};
static_assert(offsetof(TrampolineData, gdt_limit) == TRAMP_GDT_POINTER - TRAMP_DATA);
static_assert(offsetof(TrampolineData, far32) == TRAMP_FAR32 - TRAMP_DATA);
static_assert(offsetof(TrampolineData, far64) == TRAMP_FAR64 - TRAMP_DATA);
static_assert(offsetof(TrampolineData, cr3) == TRAMP_CR3 - TRAMP_DATA);
static_assert(offsetof(TrampolineData, cr0) == TRAMP_CR0 - TRAMP_DATA);
static_assert(offsetof(TrampolineData, stack_top) == TRAMP_STACK - TRAMP_DATA);
static_assert(offsetof(TrampolineData, per_cpu) == TRAMP_PER_CPU - TRAMP_DATA);
static_assert(offsetof(TrampolineData, entry) == TRAMP_ENTRY - TRAMP_DATA);
static_assert(offsetof(TrampolineData, started) == TRAMP_STARTED - TRAMP_DATA);
static_assert(TRAMP_DATA + sizeof(TrampolineData) <= TRAMP_SIZE);

constexpr uint64_t cr4_pcide = 1u << 17; // may only be set in long mode
constexpr uint64_t cr4_cet = 1u << 23; // needs CR0.WP and long mode
constexpr uint64_t efer_lma = 1u << 10; // set by the CPU, not by us
constexpr uint32_t msr_efer = 0xc0000080;

[[noreturn]] void ap_entry(PerCpu* cpu)
{
    paging_init_ap();
    per_cpu_install(*cpu);
    local_apic_init_ap();
    cpu->apic_id = local_apic_id();
    cpu->online.store(true, std::memory_order_release);
    worker_loop(*cpu);
}

// Linux's smp_quirk_init_udelay: CPUs since the P6 and K8 need no 10 ms pause
// between INIT and SIPI.
bool cpu_needs_init_delay()
{
    auto vendor = x86::cpuid(0);
    uint32_t family = (x86::cpuid(1).eax >> 8) & 0xf;
    bool intel = vendor.ebx == 0x756e6547; // "Genu"
    bool amd = vendor.ebx == 0x68747541; // "Auth"
    return !((intel && family >= 6) || (amd && family >= 0xf));
}

void delay_ns(uint64_t ns)
{
    uint64_t end = x86::rdtsc() + clock_ns_to_ticks(ns);
    while (x86::rdtsc() < end)
        x86::pause();
}

bool prepare_page(PhysAddr page)
{
    size_t code_size = static_cast<size_t>(ap_trampoline_end - ap_trampoline_start);
    if (code_size > TRAMP_DATA) {
        klog("[smp] trampoline code is %zu bytes, more than its %u-byte slot", code_size,
            TRAMP_DATA);
        return false;
    }
    uint64_t cr3 = x86::read_cr3();
    if (cr3 >= (1ull << 32)) {
        klog("[smp] page tables at 0x%lx are above 4 GiB: the trampoline cannot load them", cr3);
        return false;
    }
    auto* base = reinterpret_cast<uint8_t*>(page.get());
    memcpy(base, ap_trampoline_start, code_size);
    // Written once: from now on the code page is read-execute, like the
    // kernel's text; the data page after it stays writable and no-execute.
    auto sealed = paging_seal_code(page, 1);
    if (sealed.is_error()) {
        klog("[smp] cannot make the trampoline executable: %s", error_name(sealed.error()));
        return false;
    }
    auto* data = reinterpret_cast<TrampolineData*>(base + TRAMP_DATA);
    memset(data, 0, sizeof *data);
    data->gdt[0] = 0;
    data->gdt[1] = 0x00cf9a000000ffffull; // 32-bit code, flat
    data->gdt[2] = 0x00cf92000000ffffull; // data, flat
    data->gdt[3] = 0x00af9a000000ffffull; // 64-bit code
    data->gdt[4] = 0;
    data->gdt_limit = sizeof data->gdt - 1;
    data->gdt_base = static_cast<uint32_t>(page.get() + TRAMP_GDT);
    data->far32 = {static_cast<uint32_t>(page.get() + (ap_trampoline_32 - ap_trampoline_start)),
        TRAMP_SEL_CODE32};
    data->far64 = {static_cast<uint32_t>(page.get() + (ap_trampoline_64 - ap_trampoline_start)),
        TRAMP_SEL_CODE64};
    data->cr3 = cr3;
    data->cr4 = x86::read_cr4() & ~(cr4_pcide | cr4_cet);
    data->efer = x86::rdmsr(msr_efer) & ~efer_lma;
    data->cr0 = x86::read_cr0();
    data->entry = reinterpret_cast<uint64_t>(&ap_entry);
    return true;
}

// A stack with its guard page (core/mem/guarded_stack.h); invalid on failure.
StackRegion allocate_stack(size_t pages)
{
    auto stack = allocate_guarded_stack(pages);
    return stack.is_error() ? StackRegion {} : *stack;
}

PerCpu* make_cpu(uint32_t apic_id)
{
    auto* cpu = new PerCpu();
    cpu->apic_id = apic_id;
    StackRegion stack = allocate_stack(stack_pages);
    cpu->stack_bottom = stack.bottom;
    cpu->stack_top = stack.top;
    bool ok = stack.valid();
    for (auto& ist : cpu->ist_stacks) {
        ist = allocate_stack(ist_stack_pages);
        ok = ok && ist.valid();
    }
    return ok ? cpu : nullptr;
}

// INIT, then SIPI (and a second SIPI if the first did not take), then wait for
// the AP to say it is online. Intel SDM vol. 3, 9.4.4.1; Linux
// wakeup_secondary_cpu_via_init.
bool start_one(PerCpu& cpu, TrampolineData& data, PhysAddr page, bool init_delay)
{
    data.stack_top = cpu.stack_top;
    data.per_cpu = reinterpret_cast<uint64_t>(&cpu);
    auto* started = reinterpret_cast<volatile uint32_t*>(page.get() + TRAMP_STARTED);
    *started = 0;
    asm volatile("mfence" ::: "memory"); // the data is in memory before the AP can look

    uint64_t begin = x86::rdtsc();
    auto sent = local_apic_send({IpiDelivery::Init, 0, cpu.apic_id, true, true});
    if (sent.has_value() && local_apic_mode() == ApicMode::XApic)
        sent = local_apic_send({IpiDelivery::Init, 0, cpu.apic_id, false, true}); // de-assert
    if (sent.has_value() && init_delay)
        delay_ns(10'000'000);
    auto vector = static_cast<uint8_t>(page.get() >> 12);
    for (int attempt = 0; attempt < 2 && sent.has_value() && *started == 0; ++attempt) {
        sent = local_apic_send({IpiDelivery::Startup, vector, cpu.apic_id});
        delay_ns(sipi_gap_ns);
    }
    if (sent.is_error()) {
        klog("[smp] apic=%u: the local APIC did not send the start-up IPIs", cpu.apic_id);
        return false;
    }
    uint64_t deadline = begin + clock_ns_to_ticks(online_timeout_ns);
    while (!cpu.online.load(std::memory_order_acquire)) {
        if (x86::rdtsc() > deadline) {
            klog("[smp] apic=%u did not come online in %lu ms (reached long mode: %s): skipped",
                cpu.apic_id, online_timeout_ns / 1'000'000, *started != 0 ? "yes" : "no");
            // Park it again, so that it cannot wake later on the next CPU's stack.
            (void)local_apic_send({IpiDelivery::Init, 0, cpu.apic_id, true, true});
            return false;
        }
        x86::pause();
    }
    cpu.start_ticks = x86::rdtsc() - begin;
    return true;
}

} // namespace

void smp_init_boot_cpu(const StackRegion& stack, const StackRegion (&ist_stacks)[ist::count])
{
    PerCpu& cpu = boot_cpu();
    cpu.stack_bottom = stack.bottom;
    cpu.stack_top = stack.top;
    for (size_t i = 0; i < ist::count; ++i)
        cpu.ist_stacks[i] = ist_stacks[i];
    cpu_register(cpu);
    per_cpu_install(cpu);
    g_per_cpu_ready = true;
    idt_set_handler(apic_vector::wakeup, [](InterruptFrame&) { local_apic_eoi(); });
    idt_set_handler(apic_vector::nap, [](InterruptFrame&) { local_apic_eoi(); });
    // A spurious interrupt needs no EOI (SDM vol. 3, 11.9).
    idt_set_handler(apic_vector::spurious, [](InterruptFrame&) {});
}

void smp_init_boot_apic(PhysAddr apic_base)
{
    PerCpu& cpu = boot_cpu();
    ApicMode mode = local_apic_init_boot(apic_base);
    cpu.apic_id = local_apic_id();
    cpu.online.store(true, std::memory_order_release);
    klog("[apic] mode=%s id=%u timer_hz=%lu", mode == ApicMode::X2Apic ? "x2apic" : "xapic",
        cpu.apic_id, local_apic_timer_hz());
}

SmpResult smp_start_aps(
    std::span<const ProcessorEntry> processors, uint32_t cpu_limit, PhysAddr trampoline)
{
    uint32_t bsp_apic = boot_cpu().apic_id;
    uint32_t possible = 0;
    for (const auto& p : processors)
        possible += p.enabled ? 1 : 0;
    if (possible == 0)
        possible = 1;
    uint32_t wanted = cpu_limit < possible ? cpu_limit : possible;

    bool usable = !trampoline.is_null() && prepare_page(trampoline);
    if (!usable && wanted > 1)
        klog("[smp] no trampoline page: running on the boot CPU only");
    auto& data = *reinterpret_cast<TrampolineData*>(trampoline.get() + TRAMP_DATA);
    bool init_delay = cpu_needs_init_delay();

    // Every AP's block and stacks first, while the boot CPU is the only one
    // running: unmapping the stacks' guard pages edits page tables that a
    // running AP could hold in its TLB (core/mem/guarded_stack.h).
    static PerCpu* prepared[per_cpu_capacity];
    uint32_t prepared_count = 0;
    for (const auto& p : processors) {
        if (!usable || 1 + prepared_count >= wanted)
            break;
        if (!p.enabled || p.apic_id == bsp_apic)
            continue;
        if (local_apic_mode() == ApicMode::XApic && p.apic_id > 0xfe) {
            klog("[smp] apic=%u needs x2APIC mode: skipped", p.apic_id);
            continue;
        }
        PerCpu* cpu = make_cpu(p.apic_id);
        if (cpu == nullptr) {
            klog("[smp] out of memory for CPU apic=%u: stopping here", p.apic_id);
            break;
        }
        prepared[prepared_count++] = cpu;
    }
    paging_aps_starting();

    uint64_t total_ticks = 0;
    uint32_t started = 0;
    for (uint32_t i = 0; i < prepared_count; ++i) {
        PerCpu* cpu = prepared[i];
        cpu_register(*cpu);
        if (!start_one(*cpu, data, trampoline, init_delay)) {
            // Its index is taken: the table stays dense by giving it back.
            cpu_unregister_last();
            continue;
        }
        total_ticks += cpu->start_ticks;
        ++started;
        klog("[smp] cpu=%u apic=%u online start_us=%lu", cpu->index, cpu->apic_id,
            clock_ticks_to_ns(cpu->start_ticks) / 1000);
    }

    if (started > 0) {
        // From now on a panic on one CPU halts them all (core/cpu/panic_stop.h).
        panic_set_stop_other_cpus([] {
            (void)local_apic_send(
                {IpiDelivery::Nmi, 0, 0, true, false, IpiShorthand::AllExcludingSelf});
        });
    }

    SmpResult result {cpu_count(), wanted};
    klog("[smp] online=%u/%u bsp_apic=%u mean_start_us=%lu", result.online, result.possible,
        bsp_apic, started == 0 ? 0 : clock_ticks_to_ns(total_ticks / started) / 1000);
    return result;
}

} // namespace rota
