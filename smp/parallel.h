#pragma once

#include <cstdint>

// Work on all CPUs: parallel_for splits [0, count) into chunks of `grain` that
// every online CPU, the caller included, takes from a shared counter until none
// are left. Idle CPUs wait halted and are woken by one broadcast IPI (under
// TCG this dispatches faster than spinning, which also steals the host's cores
// from the vCPUs doing work). While jobs come in quick succession (a frame's
// render, then its present), a CPU that has just finished one looks for the
// next for `worker_linger_ns` before it halts, and skips the wake-up
// (smp/worker_linger.h). Each CPU flushes its own TLB after its first jobs
// and then every 100 ms, so that an emulator's software TLB grows to the
// job's pages (core/mem/tlb_settle.h).

namespace rota {

using ParallelBody = void (*)(void* context, uint64_t begin, uint64_t end);

struct ParallelStats {
    uint32_t participants; // CPUs that ran chunks, the caller included
    uint64_t dispatch_ticks; // TSC ticks from publishing the job to the last CPU joining
    uint64_t caller_items; // of [0, count), how many the caller ran itself
};

enum class IdleMode { Halt, Spin };

// How long a worker looks for the next job before it halts, in IdleMode::Halt:
// about twice what a halt and wake-up cost under QEMU's TCG (50 us from the
// job's publication to the worker's join), the usual bound for spinning
// before blocking. Measured at 1280x800 on gop with 2 CPUs, whose present is
// a second job right after the render: render 0.46 ms a frame against 0.49
// without (3 rounds of 2500 frames, one sitting).
constexpr uint64_t worker_linger_ns = 100'000;

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
