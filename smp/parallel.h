#pragma once

#include <cstdint>

// Work on all CPUs: parallel_for splits [0, count) into chunks of `grain` that
// every online CPU, the caller included, takes from a shared counter until none
// are left. Idle CPUs wait halted and are woken by one broadcast IPI (under
// TCG this dispatches faster than spinning, which also steals the host's cores
// from the vCPUs doing work). Each
// CPU flushes its own TLB after its first jobs and then every 100 ms, so that
// an emulator's software TLB grows to the job's pages (core/mem/tlb_settle.h).

namespace rota {

using ParallelBody = void (*)(void* context, uint64_t begin, uint64_t end);

struct ParallelStats {
    uint32_t participants; // CPUs that ran chunks, the caller included
    uint64_t dispatch_ticks; // TSC ticks from publishing the job to the last CPU joining
    uint64_t caller_items; // of [0, count), how many the caller ran itself
};

enum class IdleMode { Halt, Spin };

// Runs body over [0, count) on at most `cpu_limit` CPUs and returns when all of
// it has run. Called by one CPU at a time: a second concurrent caller (or a
// call from inside a body) runs its range alone rather than wait.
ParallelStats parallel_for(uint64_t count, uint64_t grain, ParallelBody body, void* context,
    uint32_t cpu_limit = UINT32_MAX);

template<class F>
ParallelStats parallel_for(
    uint64_t count, uint64_t grain, F& function, uint32_t cpu_limit = UINT32_MAX)
{
    return parallel_for(
        count, grain,
        [](void* context, uint64_t begin, uint64_t end) {
            (*static_cast<F*>(context))(begin, end);
        },
        &function, cpu_limit);
}

void parallel_set_idle_mode(IdleMode mode);
IdleMode parallel_idle_mode();

} // namespace rota
