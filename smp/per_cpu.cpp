#include "smp/per_cpu.h"

#include "core/cpu/idt.h"
#include "core/cpu/x86.h"

namespace rota {

constinit bool g_per_cpu_ready = false;
constinit PreemptState g_early_preempt_state;

namespace {

constexpr uint32_t msr_gs_base = 0xc0000101;

constinit PerCpu g_boot_cpu {};
constinit PerCpu* g_cpus[per_cpu_capacity] {};
constinit std::atomic<uint32_t> g_cpu_count {0};

} // namespace

PerCpu& boot_cpu()
{
    return g_boot_cpu;
}

void per_cpu_install(PerCpu& cpu)
{
    cpu.self = &cpu;
    build_cpu_tables(cpu.tables, cpu.ist_stacks);
    // Loading the segment registers zeroes GS's base: write the MSR after.
    load_cpu_tables(cpu.tables);
    idt_load();
    x86::wrmsr(msr_gs_base, reinterpret_cast<uint64_t>(&cpu));
}

bool cpu_register(PerCpu& cpu)
{
    uint32_t index = g_cpu_count.load(std::memory_order_relaxed);
    if (index >= per_cpu_capacity)
        return false;
    cpu.index = index;
    g_cpus[index] = &cpu;
    g_cpu_count.store(index + 1, std::memory_order_release);
    return true;
}

void cpu_unregister_last()
{
    uint32_t count = g_cpu_count.load(std::memory_order_relaxed);
    if (count > 1) {
        g_cpus[count - 1] = nullptr;
        g_cpu_count.store(count - 1, std::memory_order_release);
    }
}

PerCpu* cpu_by_index(uint32_t index)
{
    return index < g_cpu_count.load(std::memory_order_acquire) ? g_cpus[index] : nullptr;
}

uint32_t cpu_count()
{
    return g_cpu_count.load(std::memory_order_acquire);
}

} // namespace rota
