#include "core/sync/spinlock.h"

#include <gtest/gtest.h>

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
    // With the lock held, waiters queue; each must get it exactly once per
    // request and the counter of handoffs must equal the requests.
    Lock lock;
    std::atomic<int> handoffs {0};
    lock.lock();
    std::vector<std::thread> waiters;
    for (int t = 0; t < 4; ++t) {
        waiters.emplace_back([&] {
            Guard guard(lock);
            handoffs.fetch_add(1);
        });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(handoffs.load(), 0);
    lock.unlock();
    for (auto& waiter : waiters)
        waiter.join();
    EXPECT_EQ(handoffs.load(), 4);
}
