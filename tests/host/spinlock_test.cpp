#include "core/sync/spinlock.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "support/host_cpu.h"

using Lock = rota::BasicSpinlock<HostCpu>;
using Guard = rota::BasicSpinlockGuard<HostCpu>;

TEST(Spinlock, CounterIsExactUnderContention)
{
    Lock lock;
    uint64_t counter = 0; // Protected by lock.
    constexpr int threads = 8;
    constexpr int iterations = 20000;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&] {
            for (int i = 0; i < iterations; ++i) {
                Guard guard(lock);
                ++counter;
            }
        });
    }
    for (auto& worker : workers)
        worker.join();
    EXPECT_EQ(counter, uint64_t(threads) * iterations);
}

TEST(Spinlock, GuardDisablesAndRestoresInterrupts)
{
    Lock lock;
    HostCpu::interrupts_flag() = true;
    {
        Guard guard(lock);
        EXPECT_FALSE(HostCpu::interrupts_flag());
        EXPECT_TRUE(lock.is_held_by_current_cpu());
    }
    EXPECT_TRUE(HostCpu::interrupts_flag());
    EXPECT_FALSE(lock.is_held_by_current_cpu());

    // Taken with interrupts already off, they stay off afterwards.
    HostCpu::interrupts_flag() = false;
    {
        Guard guard(lock);
    }
    EXPECT_FALSE(HostCpu::interrupts_flag());
    HostCpu::interrupts_flag() = true;
}

TEST(Spinlock, HeldByThisCpuNotAnother)
{
    Lock lock;
    lock.lock();
    bool seen_by_other = true;
    std::thread([&] { seen_by_other = lock.is_held_by_current_cpu(); }).join();
    EXPECT_FALSE(seen_by_other);
    EXPECT_TRUE(lock.is_held_by_current_cpu());
    lock.unlock();
}

TEST(Spinlock, TryLockFailsWhileHeld)
{
    Lock lock;
    ASSERT_TRUE(lock.try_lock());
    bool other = true;
    std::thread([&] { other = lock.try_lock(); }).join();
    EXPECT_FALSE(other);
    lock.unlock();
    std::thread([&] {
        other = lock.try_lock();
        if (other)
            lock.unlock();
    }).join();
    EXPECT_TRUE(other);
}

TEST(SpinlockDeathTest, RelockingOnTheSameCpuIsCaught)
{
    Lock lock;
    EXPECT_DEATH(
        {
            lock.lock();
            lock.lock();
        },
        "is_held_by_current_cpu");
}

TEST(SpinlockDeathTest, UnlockingALockHeldElsewhereIsCaught)
{
    Lock lock;
    EXPECT_DEATH(lock.unlock(), "is_held_by_current_cpu");
}

TEST(Spinlock, FairnessServesTicketsInOrder)
{
    // Waiters queue one after another behind the held lock (each has taken
    // its ticket before the next starts); they must get the lock in that
    // order, each exactly once. A lock that is not FIFO (test-and-set) hands
    // it to whichever waiter's read happens to win.
    Lock lock;
    constexpr int waiters = 6;
    std::vector<int> order; // Protected by lock.
    lock.lock();
    std::vector<std::thread> threads;
    for (int t = 0; t < waiters; ++t) {
        threads.emplace_back([&, t] {
            Guard guard(lock);
            order.push_back(t);
        });
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (lock.contenders() != uint32_t(t + 2)) { // the holder and t + 1 waiters
            ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "waiter " << t;
            std::this_thread::yield();
        }
    }
    EXPECT_TRUE(order.empty());
    lock.unlock();
    for (auto& thread : threads)
        thread.join();
    EXPECT_EQ(order, (std::vector<int> {0, 1, 2, 3, 4, 5}));
    EXPECT_EQ(lock.contenders(), 0u);
}
