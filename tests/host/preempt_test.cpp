#include "smp/preempt.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "support/host_cpu.h"

using Guard = rota::BasicPreemptGuard<HostCpu>;
using IrqGuard = rota::BasicInterruptGuard<HostCpu>;
using rota::DeferredWork;

TEST(Preempt, CountNestsAndReturnsToZero)
{
    auto& state = HostCpu::preempt_state();
    EXPECT_EQ(state.count.load(), 0u);
    {
        Guard outer;
        EXPECT_EQ(state.count.load(), 1u);
        {
            Guard inner;
            EXPECT_EQ(state.count.load(), 2u);
        }
        EXPECT_EQ(state.count.load(), 1u);
    }
    EXPECT_EQ(state.count.load(), 0u);
}

TEST(Preempt, DeferredWorkWaitsForTheOutermostGuard)
{
    int runs = 0;
    uint32_t count_when_run = 99;
    DeferredWork work {[](void* p) { ++*static_cast<int*>(p); }, &runs, nullptr};
    struct Probe {
        uint32_t* out;
    } probe {&count_when_run};
    DeferredWork check {
        [](void* p) { *static_cast<Probe*>(p)->out = HostCpu::preempt_state().count.load(); },
        &probe, nullptr};
    {
        Guard outer;
        {
            Guard inner;
            Guard::defer(work);
            Guard::defer(check);
        }
        EXPECT_EQ(runs, 0);
    }
    EXPECT_EQ(runs, 1);
    // It ran inside the outermost guard: preemption still disabled.
    EXPECT_EQ(count_when_run, 1u);
    EXPECT_EQ(HostCpu::preempt_state().count.load(), 0u);
}

TEST(Preempt, DeferWithoutAGuardRunsAtOnce)
{
    int runs = 0;
    DeferredWork work {[](void* p) { ++*static_cast<int*>(p); }, &runs, nullptr};
    Guard::defer(work);
    EXPECT_EQ(runs, 1);
}

TEST(Preempt, WorkDeferredByDeferredWorkStillRuns)
{
    struct Chain {
        int runs = 0;
        DeferredWork second;
    } chain;
    chain.second = {[](void* p) { ++static_cast<Chain*>(p)->runs; }, &chain, nullptr};
    DeferredWork first {[](void* p) {
                            auto* c = static_cast<Chain*>(p);
                            ++c->runs;
                            Guard::defer(c->second);
                        },
        &chain, nullptr};
    {
        Guard guard;
        Guard::defer(first);
    }
    EXPECT_EQ(chain.runs, 2);
}

TEST(Preempt, InterruptGuardRestoresInterruptsAfterDeferredWork)
{
    HostCpu::interrupts_flag() = true;
    bool interrupts_during_work = true;
    DeferredWork work {[](void* p) { *static_cast<bool*>(p) = HostCpu::interrupts_flag(); },
        &interrupts_during_work, nullptr};
    {
        IrqGuard guard;
        EXPECT_FALSE(HostCpu::interrupts_flag());
        EXPECT_EQ(guard.state().count.load(), 1u);
        Guard::defer(work);
    }
    EXPECT_FALSE(interrupts_during_work);
    EXPECT_TRUE(HostCpu::interrupts_flag());
}

TEST(Preempt, StressNoDeferredWorkLostOrRunEarly)
{
    // Many threads (CPUs), each nesting guards at random and deferring work
    // from inside them: every item runs exactly once, never while a guard
    // other than the outermost is held.
    constexpr int threads = 6;
    constexpr int rounds = 20000;
    std::atomic<uint64_t> ran {0};
    std::atomic<uint64_t> ran_early {0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            std::mt19937 random(t);
            struct Item {
                DeferredWork work;
                std::atomic<uint64_t>* ran;
                std::atomic<uint64_t>* early;
            };
            std::vector<Item> items(rounds);
            for (int r = 0; r < rounds; ++r) {
                Item& item = items[r];
                item.ran = &ran;
                item.early = &ran_early;
                item.work = {[](void* p) {
                                 auto* i = static_cast<Item*>(p);
                                 if (HostCpu::preempt_state().count.load() != 1)
                                     i->early->fetch_add(1);
                                 i->ran->fetch_add(1);
                             },
                    &item, nullptr};
                int depth = 1 + static_cast<int>(random() % 4);
                std::vector<std::unique_ptr<Guard>> guards;
                for (int d = 0; d < depth; ++d)
                    guards.push_back(std::make_unique<Guard>());
                Guard::defer(item.work);
                while (!guards.empty())
                    guards.pop_back();
            }
        });
    }
    for (auto& worker : workers)
        worker.join();
    EXPECT_EQ(ran.load(), uint64_t(threads) * rounds);
    EXPECT_EQ(ran_early.load(), 0u);
}
