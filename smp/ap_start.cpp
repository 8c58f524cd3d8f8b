#include "smp/ap_start.h"

#include <cstring>

#include "core/cpu/fpu.h"
#include "core/cpu/idt.h"
#include "core/cpu/local_apic.h"
#include "core/cpu/panic_stop.h"
#include "core/cpu/stack_sizes.h"
#include "core/cpu/x86.h"
#include "core/log/log.h"
#include "core/mem/guarded_stack.h"
#include "core/mem/kernel_memory.h"
#include "core/mem/paging.h"
#include "core/time/clock.h"
#include "smp/ap_sequence.h"
#include "smp/per_cpu.h"
#include "smp/trampoline_layout.h"
#include "smp/worker.h"

extern "C" char ap_trampoline_start[];
extern "C" char ap_trampoline_32[];
extern "C" char ap_trampoline_64[];
extern "C" char ap_trampoline_end[];

namespace rota {

namespace {

constexpr uint64_t online_timeout_ns = 1'000'000'000;

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
    fpu_init();
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

// One AP's stacks, each with its guard page (core/mem/guarded_stack.h).
struct ApStacks {
    StackRegion kernel;
    StackRegion ist[ist::count];
};

// Only before any AP runs (guarded_stack.h). A partial set is not given back:
// a stack whose guard is unmapped would fault for the next owner of the guard.
Expected<ApStacks> allocate_ap_stacks()
{
    ApStacks stacks {};
    stacks.kernel = TRY(allocate_guarded_stack(kernel_stack_pages));
    for (auto& ist : stacks.ist)
        ist = TRY(allocate_guarded_stack(ist_stack_pages));
    return stacks;
}

// The hardware behind the start-up sequence (smp/ap_sequence.h): the local
// APIC's IPIs, the trampoline page's data block and counter, the TSC.
class KernelApPort final : public ApStartPort {
public:
    KernelApPort(TrampolineData& data, PhysAddr page, std::span<const ApStacks> stacks)
        : m_data(data)
        , m_page(page)
        , m_started(reinterpret_cast<volatile uint32_t*>(page.get() + TRAMP_STARTED))
        , m_stacks(stacks)
    {
    }

    Expected<void> send_init(uint32_t apic_id) override
    {
        TRY(local_apic_send({IpiDelivery::Init, 0, apic_id, true, true}));
        if (local_apic_mode() == ApicMode::XApic) // de-assert (SDM vol. 3, 9.4.4.1)
            TRY(local_apic_send({IpiDelivery::Init, 0, apic_id, false, true}));
        return {};
    }
    Expected<void> send_startup(uint32_t apic_id) override
    {
        auto vector = static_cast<uint8_t>(m_page.get() >> 12);
        return local_apic_send({IpiDelivery::Startup, vector, apic_id});
    }
    bool reached_long_mode() override { return *m_started != 0; }
    bool online(uint32_t) override { return m_cpu->online.load(std::memory_order_acquire); }
    uint64_t now_ns() override { return clock_ticks_to_ns(x86::rdtsc()); }
    void delay_ns(uint64_t ns) override
    {
        uint64_t end = x86::rdtsc() + clock_ns_to_ticks(ns);
        while (x86::rdtsc() < end)
            x86::pause();
    }

    bool prepare(uint32_t apic_id) override
    {
        if (m_next_stacks == m_stacks.size()) {
            klog("[smp] no stacks were set aside for apic=%u: stopping here", apic_id);
            return false;
        }
        const ApStacks& stacks = m_stacks[m_next_stacks];
        m_cpu = new PerCpu();
        m_cpu->apic_id = apic_id;
        m_cpu->stack_bottom = stacks.kernel.bottom;
        m_cpu->stack_top = stacks.kernel.top;
        for (size_t i = 0; i < ist::count; ++i)
            m_cpu->ist_stacks[i] = stacks.ist[i];
        cpu_register(*m_cpu);
        m_data.stack_top = m_cpu->stack_top;
        m_data.per_cpu = reinterpret_cast<uint64_t>(m_cpu);
        *m_started = 0;
        asm volatile("mfence" ::: "memory"); // the data is in memory before the AP can look
        m_begin = x86::rdtsc();
        return true;
    }

    void finished(uint32_t apic_id, const ApOutcome& outcome) override
    {
        if (outcome.start == ApStart::Online) {
            m_cpu->start_ticks = x86::rdtsc() - m_begin;
            m_total_ticks += m_cpu->start_ticks;
            ++m_started_count;
            ++m_next_stacks;
            klog("[smp] cpu=%u apic=%u online start_us=%lu", m_cpu->index, apic_id,
                clock_ticks_to_ns(m_cpu->start_ticks) / 1000);
            return;
        }
        // Its index is taken: the table stays dense by giving it back. Its
        // per-CPU block is not freed: the AP may have used it. Its stacks go
        // to the next AP: this one is parked or never started (a Loose one
        // ends the starting), so it can no longer run on them (ap_sequence.h).
        cpu_unregister_last();
        const char* long_mode = outcome.reached_long_mode ? "yes" : "no";
        switch (outcome.start) {
        case ApStart::NotStarted:
            klog("[smp] apic=%u: the local APIC did not send the INIT IPI: skipped", apic_id);
            break;
        case ApStart::Parked:
            klog("[smp] apic=%u did not come online in %lu ms (reached long mode: %s%s): parked "
                 "again with INIT, skipped",
                apic_id, online_timeout_ns / 1'000'000, long_mode,
                outcome.startup_failed ? "; a start-up IPI was not sent" : "");
            break;
        case ApStart::Loose:
            klog("[smp] apic=%u did not come online (reached long mode: %s) and could not be "
                 "parked: it may still run the trampoline, so no further CPU is started",
                apic_id, long_mode);
            break;
        case ApStart::Online:
            break;
        }
    }

    uint64_t total_ticks() const { return m_total_ticks; }
    uint32_t started() const { return m_started_count; }

private:
    TrampolineData& m_data;
    PhysAddr m_page;
    volatile uint32_t* m_started;
    std::span<const ApStacks> m_stacks;
    size_t m_next_stacks {0};
    PerCpu* m_cpu {nullptr};
    uint64_t m_begin {0};
    uint64_t m_total_ticks {0};
    uint32_t m_started_count {0};
};

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
    // Both only end a halt; the IDT sends the wake-up's EOI, and a spurious
    // interrupt needs none (SDM vol. 3, 11.9).
    idt_set_handler(apic_vector::wakeup, [](InterruptFrame&) {});
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

    // The APs to start, in MADT order.
    uint32_t candidates[per_cpu_capacity];
    uint32_t count = 0;
    for (const auto& p : processors) {
        if (!usable || count == per_cpu_capacity)
            break;
        if (!p.enabled || p.apic_id == bsp_apic)
            continue;
        if (local_apic_mode() == ApicMode::XApic && p.apic_id > 0xfe) {
            klog("[smp] apic=%u needs x2APIC mode: skipped", p.apic_id);
            continue;
        }
        candidates[count++] = p.apic_id;
    }
    uint32_t more = wanted > cpu_count() ? wanted - cpu_count() : 0;

    // The stacks of every AP to start first, while the boot CPU is the only
    // one running: unmapping their guard pages edits page tables that a
    // running AP could hold in its TLB (core/mem/guarded_stack.h). One set per
    // AP that comes online: a failed start hands its set to the next.
    static ApStacks stacks[per_cpu_capacity];
    uint32_t stack_sets = 0;
    while (stack_sets < count && stack_sets < more) {
        auto allocated = allocate_ap_stacks();
        if (allocated.is_error()) {
            klog("[smp] out of memory for the stacks of a CPU: %u more at most", stack_sets);
            break;
        }
        stacks[stack_sets++] = *allocated;
    }
    paging_aps_starting();

    KernelApPort port(data, trampoline, std::span(stacks, stack_sets));
    ApTiming timing {cpu_needs_init_delay(), 200'000, online_timeout_ns};
    start_aps(port, std::span(candidates, count), more, timing);
    uint64_t total_ticks = port.total_ticks();
    uint32_t started = port.started();

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
