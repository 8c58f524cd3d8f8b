#include "core/cpu/panic_stop.h"

#include <atomic>

namespace rota {

namespace {

constexpr uint32_t no_cpu = UINT32_MAX;

constinit std::atomic<uint32_t> g_reporter {no_cpu};
constinit std::atomic<StopOtherCpus> g_stop_other_cpus {nullptr};

} // namespace

void panic_set_stop_other_cpus(StopOtherCpus stop)
{
    g_stop_other_cpus.store(stop, std::memory_order_release);
}

PanicRole panic_begin(uint32_t cpu)
{
    uint32_t expected = no_cpu;
    if (g_reporter.compare_exchange_strong(expected, cpu, std::memory_order_acq_rel)) {
        if (StopOtherCpus stop = g_stop_other_cpus.load(std::memory_order_acquire))
            stop();
        return PanicRole::Report;
    }
    return expected == cpu ? PanicRole::Nested : PanicRole::Stopped;
}

} // namespace rota
