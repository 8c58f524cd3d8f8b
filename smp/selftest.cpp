#include "smp/selftest.h"

#include <atomic>

#include "core/lib/format.h"
#include "core/lib/percentile.h"
#include "core/log/log.h"
#include "core/sync/spinlock.h"
#include "core/time/clock.h"
#include "smp/parallel.h"
#include "smp/per_cpu.h"

namespace rota {

namespace {

constexpr uint64_t increments_per_cpu = 200'000;
// One locked increment per this many. A FIFO lock hands over to one waiter at
// a time; with more vCPUs than host cores (8 vCPUs on this 2-core host) each
// hand-over waits until the host schedules that waiter's vCPU thread, a
// millisecond or more, so the locked part is kept to a few thousand hand-overs.
constexpr uint64_t lock_every = 1'000;
constexpr uint64_t grain = 1'000;
constexpr int dispatch_rounds = 100;
// How long a CPU's first chunk waits for the others to arrive (see
// check_counters); only a CPU that never joins makes anyone wait this long.
constexpr uint64_t arrival_timeout_ns = 2'000'000'000;

struct Counters {
    Spinlock lock;
    uint64_t shared {0}; // Protected by lock.
};

bool check_counters()
{
    uint32_t cpus = cpu_count();
    for (uint32_t i = 0; i < cpus; ++i)
        cpu_by_index(i)->selftest_counter = 0;
    Counters counters;
    uint64_t total = increments_per_cpu * cpus;
    uint64_t locked_total = (total + lock_every - 1) / lock_every;
    // Every CPU's first chunk waits until all CPUs have one. The shares then
    // show that each CPU ran the job: with 8 vCPUs on 2 host cores, the
    // first CPUs to wake could otherwise take every chunk before a CPU whose
    // thread the host had not yet scheduled woke up, and its share of 0
    // would say nothing about rota. A CPU that never joins leaves the others
    // waiting until the timeout, and its share stays 0.
    std::atomic<uint32_t> arrived {0};
    auto wait_for_every_cpu = [&] {
        arrived.fetch_add(1, std::memory_order_acq_rel);
        uint64_t deadline = clock_now_ns() + arrival_timeout_ns;
        while (arrived.load(std::memory_order_acquire) < cpus && clock_now_ns() < deadline)
            x86::pause();
    };
    auto body = [&](uint64_t begin, uint64_t end) {
        bool first_chunk;
        {
            PreemptGuard guard;
            first_chunk = this_cpu(guard).selftest_counter == 0;
        }
        if (first_chunk)
            wait_for_every_cpu();
        for (uint64_t i = begin; i < end; ++i) {
            {
                PreemptGuard guard;
                ++this_cpu(guard).selftest_counter;
            }
            if (i % lock_every == 0) {
                SpinlockGuard lock(counters.lock);
                ++counters.shared;
            }
        }
    };
    uint64_t start = x86::rdtsc();
    ParallelStats stats = parallel_for(total, grain, body);
    uint64_t elapsed_us = clock_ticks_to_ns(x86::rdtsc() - start) / 1000;

    uint64_t per_cpu_sum = 0;
    uint32_t cpus_that_counted = 0;
    // Each CPU's share, so a reader can tell that the sum is not one CPU's:
    // exact sums alone would pass if no AP did any work.
    char shares[8 * per_cpu_capacity] = "";
    size_t used = 0;
    for (uint32_t i = 0; i < cpus; ++i) {
        uint64_t count = cpu_by_index(i)->selftest_counter;
        per_cpu_sum += count;
        cpus_that_counted += count > 0 ? 1 : 0;
        if (used < sizeof shares)
            used += format(shares + used, sizeof shares - used, i == 0 ? "%lu" : ",%lu", count);
    }
    bool pass = per_cpu_sum == total && counters.shared == locked_total;
    klog("[smp] selftest shares %s", shares);
    klog("[smp] selftest counters cpus=%u participants=%u cpus_counted=%u per_cpu_sum=%lu/%lu "
         "locked_sum=%lu/%lu elapsed_us=%lu %s",
        cpus, stats.participants, cpus_that_counted, per_cpu_sum, total, counters.shared,
        locked_total, elapsed_us, pass ? "exact" : "WRONG");
    return pass;
}

// Dispatch latency: from publishing a job to the last CPU joining it. Each
// round's job is long enough (4 chunks of 100 us per CPU) for every CPU to
// join if it wakes in time. In halt mode each round first waits out the
// workers' linger (smp/parallel.h), so that they are halted when it starts.
void measure_dispatch(IdleMode mode, const char* name)
{
    parallel_set_idle_mode(mode);
    uint64_t samples[dispatch_rounds];
    int sampled = 0;
    uint64_t participants = 0;
    int all_joined = 0;
    auto body = [](uint64_t, uint64_t) { clock_delay_us(100); };
    for (int round = 0; round < dispatch_rounds; ++round) {
        if (mode == IdleMode::Halt)
            clock_delay_us(2 * worker_linger_ns / 1000);
        ParallelStats stats = parallel_for(cpu_count() * 4, 1, body);
        // Rounds nobody joined have no dispatch to time (the caller did all).
        if (stats.participants > 1)
            samples[sampled++] = clock_ticks_to_ns(stats.dispatch_ticks) / 1000;
        participants += stats.participants;
        all_joined += stats.participants == cpu_count() ? 1 : 0;
    }
    Percentiles dispatch = median_and_p99(std::span(samples, size_t(sampled)));
    klog("[smp] selftest dispatch idle=%s rounds=%d all_joined=%d mean_participants=%lu.%02lu "
         "p50_us=%lu "
         "p99_us=%lu",
        name, dispatch_rounds, all_joined, participants / dispatch_rounds,
        participants * 100 / dispatch_rounds % 100, dispatch.p50, dispatch.p99);
    parallel_set_idle_mode(IdleMode::Halt);
}

// A CPU-bound job (xorshift rounds) timed on 1, 2, 4, ... CPUs.
void measure_speedup()
{
    constexpr uint64_t items = 1 << 14;
    constexpr int rounds_per_item = 2000;
    uint64_t baseline_us = 0;
    for (uint32_t cpus = 1; cpus <= cpu_count(); cpus *= 2) {
        uint64_t checksum = 0;
        Spinlock lock;
        auto body = [&](uint64_t begin, uint64_t end) {
            uint64_t local = 0;
            for (uint64_t i = begin; i < end; ++i) {
                uint64_t x = i + 1;
                for (int r = 0; r < rounds_per_item; ++r) {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                }
                local += x;
            }
            SpinlockGuard guard(lock);
            checksum += local;
        };
        uint64_t start = x86::rdtsc();
        ParallelStats stats = parallel_for(items, 64, body, cpus);
        uint64_t us = clock_ticks_to_ns(x86::rdtsc() - start) / 1000;
        if (cpus == 1)
            baseline_us = us;
        uint64_t speedup_x100 = us == 0 ? 0 : baseline_us * 100 / us;
        klog("[smp] selftest speedup cpus=%u participants=%u ms=%lu.%03lu speedup=%lu.%02lu "
             "checksum=%lx",
            cpus, stats.participants, us / 1000, us % 1000, speedup_x100 / 100, speedup_x100 % 100,
            checksum);
    }
}

} // namespace

bool smp_selftest()
{
    bool pass = check_counters();
    measure_dispatch(IdleMode::Halt, "halt-ipi");
    measure_dispatch(IdleMode::Spin, "spin");
    measure_speedup();
    klog("[smp] selftest result=%s", pass ? "pass" : "FAIL");
    return pass;
}

} // namespace rota
