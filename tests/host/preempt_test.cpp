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

namespace {

// A Cpu policy whose "interrupt" is taken the moment interrupts are enabled
// again, as a pending interrupt is on x86: arm() it to come on the n-th
// enable after the call. The interrupt defers work, as a device handler
// would, through the same guard type.
struct InterruptingCpu {
    struct State {
        rota::PreemptState preempt;
        bool enabled {true};
        int enables_left {-1}; // -1: no interrupt armed
        void (*handler)(void*) {nullptr};
        void* argument {nullptr};
    };
    static State& state()
    {
        thread_local State s;
        return s;
    }
    static rota::PreemptState& preempt_state() { return state().preempt; }
    static bool save_and_disable_interrupts()
    {
        bool was = state().enabled;
        state().enabled = false;
        return was;
    }
    static void restore_interrupts(bool was_enabled)
    {
        State& s = state();
        s.enabled = was_enabled;
        if (was_enabled && s.enables_left > 0 && --s.enables_left == 0) {
            s.enables_left = -1;
            s.enabled = false; // taken with interrupts off, as an interrupt gate does
            s.handler(s.argument);
            s.enabled = true;
        }
    }
    static void arm(int nth_enable, void (*handler)(void*), void* argument)
    {
        state().enables_left = nth_enable;
        state().handler = handler;
        state().argument = argument;
    }
};

using IrqTestGuard = rota::BasicPreemptGuard<InterruptingCpu>;

struct InterruptWork {
    DeferredWork work;
    int runs {0};
    uint32_t count_when_run {99};
};

void interrupt_defers(void* argument)
{
    auto* w = static_cast<InterruptWork*>(argument);
    IrqTestGuard::defer(w->work);
}

} // namespace

// An interrupt between the outermost guard's last look
// at the queue and its decrement used to queue work that then waited for the
// next guard (here: forever). Whichever enable the interrupt comes on, the
// work has run by the time the guard is gone, exactly once, inside a guard.
TEST(Preempt, WorkDeferredByAnInterruptDuringTheLastDrainStillRuns)
{
    for (int nth = 1; nth <= 4; ++nth) {
        SCOPED_TRACE("interrupt on enable " + std::to_string(nth));
        InterruptWork w;
        w.work = {[](void* p) {
                      auto* self = static_cast<InterruptWork*>(p);
                      ++self->runs;
                      self->count_when_run = InterruptingCpu::preempt_state().count.load();
                  },
            &w, nullptr};
        // Three items queued before: the drain enables interrupts after each
        // (enables 1-3) and once more after finding the queue empty (4, the
        // window this defect was about).
        DeferredWork earlier[3];
        for (DeferredWork& e : earlier)
            e = {[](void*) {}, nullptr, nullptr};
        {
            IrqTestGuard guard;
            for (DeferredWork& e : earlier)
                IrqTestGuard::defer(e);
            InterruptingCpu::arm(nth, interrupt_defers, &w);
        }
        ASSERT_EQ(InterruptingCpu::state().enables_left, -1) << "the interrupt never came";
        EXPECT_EQ(w.runs, 1);
        EXPECT_EQ(w.count_when_run, 1u);
        EXPECT_EQ(InterruptingCpu::preempt_state().count.load(), 0u);
        EXPECT_EQ(InterruptingCpu::preempt_state().head, nullptr);
    }
}

// The same at random: on several threads (CPUs), guards nested at random
// depths, some work queued before, and an interrupt that defers work on a
// random one of the drain's enables. Nothing deferred is ever left behind.
TEST(Preempt, StressInterruptsDuringTheDrainLoseNothing)
{
    constexpr int threads = 4;
    constexpr int rounds = 20000;
    std::atomic<uint64_t> lost {0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            std::mt19937 random(100 + t);
            for (int r = 0; r < rounds; ++r) {
                InterruptWork w;
                w.work = {[](void* p) { ++static_cast<InterruptWork*>(p)->runs; }, &w, nullptr};
                int queued = int(random() % 4);
                std::vector<DeferredWork> earlier(size_t(queued) + 1);
                for (DeferredWork& e : earlier)
                    e = {[](void*) {}, nullptr, nullptr};
                {
                    std::vector<std::unique_ptr<IrqTestGuard>> guards;
                    int depth = 1 + int(random() % 3);
                    for (int d = 0; d < depth; ++d)
                        guards.push_back(std::make_unique<IrqTestGuard>());
                    for (int i = 0; i < queued; ++i)
                        IrqTestGuard::defer(earlier[size_t(i)]);
                    InterruptingCpu::arm(1 + int(random() % (queued + 1)), interrupt_defers, &w);
                    while (!guards.empty())
                        guards.pop_back();
                }
                InterruptingCpu::state().enables_left = -1;
                if (w.runs != 1 || InterruptingCpu::preempt_state().head != nullptr) {
                    lost.fetch_add(1);
                    InterruptingCpu::preempt_state().head = nullptr; // keep the next round clean
                    InterruptingCpu::preempt_state().tail = nullptr;
                }
            }
        });
    }
    for (auto& worker : workers)
        worker.join();
    EXPECT_EQ(lost.load(), 0u);
}
