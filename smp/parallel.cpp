#include "smp/parallel.h"

#include <atomic>

#include "core/cpu/local_apic.h"
#include "core/cpu/x86.h"
#include "core/sync/wake_event.h"
#include "core/time/clock.h"
#include "smp/per_cpu.h"
#include "smp/worker.h"
#include "smp/worker_linger.h"

namespace rota {

namespace {

// A job's join state in one word, so that joining is a single CAS that cannot
// count a CPU into a job that has already closed or been replaced:
// generation (32 bits) | open (bit 31) | joined CPUs (31 bits).
constexpr uint64_t open_bit = 1ull << 31;
constexpr uint64_t joined_mask = open_bit - 1;

struct Job {
    ParallelBody body {nullptr};
    void* context {nullptr};
    uint64_t count {0};
    uint64_t grain {1};
    uint64_t max_participants {1};
    uint64_t start_tsc {0};
    std::atomic<uint64_t> next {0};
    std::atomic<uint64_t> state {0};
    std::atomic<uint32_t> finished {0};
    std::atomic<uint64_t> last_join_tsc {0};
};

constinit Job g_job;
constinit std::atomic<uint32_t> g_generation {0};
constinit std::atomic<bool> g_busy {false};
constinit std::atomic<IdleMode> g_idle_mode {IdleMode::Halt};
// The caller of parallel_for sleeps on it while the last chunks finish.
constinit WakeEvent g_joined;
// How long the caller spins for the others before it sleeps: most jobs end
// within it, and a wake-up IPI costs more than this under emulation.
constexpr uint64_t join_spin_ns = 50'000;

// Returns how many items this CPU ran.
uint64_t run_chunks(Job& job)
{
    uint64_t ran = 0;
    for (;;) {
        uint64_t begin = job.next.fetch_add(job.grain, std::memory_order_relaxed);
        if (begin >= job.count)
            return ran;
        uint64_t end = begin + job.grain < job.count ? begin + job.grain : job.count;
        job.body(job.context, begin, end);
        ran += end - begin;
    }
}

// After this CPU's part of a job (core/mem/tlb_settle.h). Reloading CR3 with
// its own value drops this CPU's TLB and nothing else.
void settle_tlb()
{
    PreemptGuard guard;
    if (this_cpu(guard).tlb_settle.after_job(clock_now_ns()))
        x86::write_cr3(x86::read_cr3());
}

bool try_join(Job& job, uint32_t generation)
{
    uint64_t state = job.state.load(std::memory_order_acquire);
    for (;;) {
        if ((state >> 32) != generation || (state & open_bit) == 0
            || (state & joined_mask) >= job.max_participants)
            return false;
        if (job.state.compare_exchange_weak(
                state, state + 1, std::memory_order_acquire, std::memory_order_acquire))
            return true;
    }
}

void work_on(Job& job, uint32_t generation)
{
    if (!try_join(job, generation))
        return;
    job.last_join_tsc.store(x86::rdtsc(), std::memory_order_relaxed);
    run_chunks(job);
    settle_tlb();
    // Sequentially consistent with the caller's look after arming its wait
    // (wait_for_joined): either it sees this, or it sees the signal.
    job.finished.fetch_add(1, std::memory_order_seq_cst);
    g_joined.signal();
}

// Until the `others` CPUs that joined besides the caller have finished:
// a short spin, then sleeps woken by the finishers' signals.
void wait_for_joined(Job& job, uint32_t others)
{
    auto done = [&] { return job.finished.load(std::memory_order_seq_cst) == others; };
    uint64_t spin_end = x86::rdtsc() + clock_ns_to_ticks(join_spin_ns);
    while (!done() && x86::rdtsc() < spin_end)
        x86::pause();
    if (g_idle_mode.load(std::memory_order_relaxed) == IdleMode::Spin) {
        while (!done())
            x86::pause();
        return;
    }
    while (!done()) {
        g_joined.arm();
        if (done())
            return;
        g_joined.sleep_until(UINT64_MAX);
    }
}

} // namespace

void worker_loop(PerCpu&)
{
    uint32_t seen = g_generation.load(std::memory_order_acquire);
    WorkerLinger linger(clock_ns_to_ticks(worker_linger_ns));
    uint64_t linger_end_tsc = 0;
    for (;;) {
        uint32_t generation = g_generation.load(std::memory_order_acquire);
        if (generation != seen) {
            seen = generation;
            linger.job_seen(x86::rdtsc());
            work_on(g_job, generation);
            linger_end_tsc = linger.job_ended(x86::rdtsc());
            continue;
        }
        if (g_idle_mode.load(std::memory_order_relaxed) == IdleMode::Spin
            || x86::rdtsc() < linger_end_tsc) {
            x86::pause();
            continue;
        }
        // Check and halt with interrupts off, then sti;hlt as one: sti holds
        // interrupts off for one more instruction, so a wake-up IPI arriving
        // after the check still ends the hlt instead of being lost. Work runs
        // with interrupts off again (core/time/sleep.h).
        x86::cli();
        if (g_generation.load(std::memory_order_acquire) == seen)
            asm volatile("sti; hlt; cli" ::: "memory");
    }
}

ParallelStats parallel_for(
    uint64_t count, uint64_t grain, ParallelBody body, void* context, uint32_t cpu_limit)
{
    if (grain == 0)
        grain = 1;
    uint32_t cpus = cpu_count();
    uint32_t participants = cpu_limit < cpus ? cpu_limit : cpus;
    bool expected = false;
    if (participants <= 1 || count <= grain || !g_busy.compare_exchange_strong(expected, true)) {
        body(context, 0, count);
        settle_tlb();
        return {1, 0, count};
    }

    Job& job = g_job;
    uint32_t generation = g_generation.load(std::memory_order_relaxed) + 1;
    job.body = body;
    job.context = context;
    job.count = count;
    job.grain = grain;
    job.max_participants = participants;
    job.next.store(0, std::memory_order_relaxed);
    job.finished.store(0, std::memory_order_relaxed);
    job.start_tsc = x86::rdtsc();
    job.last_join_tsc.store(job.start_tsc, std::memory_order_relaxed);
    // The caller is participant number one.
    job.state.store(
        (static_cast<uint64_t>(generation) << 32) | open_bit | 1, std::memory_order_release);
    g_generation.store(generation, std::memory_order_release);
    // The job must be visible before the wake-up IPI: local_apic_send orders
    // the stores before an x2APIC ICR write, which is not serialising.
    if (g_idle_mode.load(std::memory_order_relaxed) == IdleMode::Halt)
        (void)local_apic_send({IpiDelivery::Fixed, apic_vector::wakeup, 0, true, false,
            IpiShorthand::AllExcludingSelf});

    uint64_t mine = run_chunks(job);
    // Close the job: whoever has not joined by now never will, and we wait for
    // exactly those who have.
    uint64_t state = job.state.fetch_and(~open_bit, std::memory_order_acq_rel);
    uint32_t joined = static_cast<uint32_t>(state & joined_mask);
    wait_for_joined(job, joined - 1);
    settle_tlb();
    ParallelStats stats {
        joined, job.last_join_tsc.load(std::memory_order_relaxed) - job.start_tsc, mine};
    g_busy.store(false, std::memory_order_release);
    return stats;
}

void parallel_set_idle_mode(IdleMode mode)
{
    g_idle_mode.store(mode, std::memory_order_relaxed);
    // Workers halted under the old mode would sleep through spin-mode jobs,
    // which send no IPI: wake them to look at the mode again.
    (void)local_apic_send(
        {IpiDelivery::Fixed, apic_vector::wakeup, 0, true, false, IpiShorthand::AllExcludingSelf});
}
IdleMode parallel_idle_mode()
{
    return g_idle_mode.load(std::memory_order_relaxed);
}

} // namespace rota
