#pragma once

#include <atomic>
#include <cstdint>

#include "core/lib/assert.h"

// A ticket spinlock: FIFO-fair, so no CPU starves under contention (Linux's
// pre-qspinlock design). Take it through a guard, which disables interrupts for
// as long as it is held and restores the previous state after: an interrupt
// handler on the same CPU that wanted the lock would otherwise spin forever.
//
// The lock is written against a Cpu policy so that the same code runs in the
// kernel (interrupt flag, CPU index from the per-CPU block) and in host tests
// (std::thread, a thread-local "interrupt flag"):
//   static uint32_t current_id();            // non-zero, unique per CPU/thread
//   static bool save_and_disable_interrupts(); // returns the previous state
//   static void restore_interrupts(bool was_enabled);
//   static void relax();                      // pause

namespace rota {

template<class Cpu>
class BasicSpinlock {
public:
    constexpr BasicSpinlock() = default;
    BasicSpinlock(const BasicSpinlock&) = delete;
    BasicSpinlock& operator=(const BasicSpinlock&) = delete;

    void lock()
    {
        // Taking a lock this CPU already holds would spin forever: say so.
        ROTA_ASSERT(!is_held_by_current_cpu());
        uint32_t ticket = m_next.fetch_add(1, std::memory_order_relaxed);
        while (m_serving.load(std::memory_order_acquire) != ticket)
            Cpu::relax();
        m_owner.store(Cpu::current_id(), std::memory_order_relaxed);
    }

    bool try_lock()
    {
        uint32_t serving = m_serving.load(std::memory_order_acquire);
        uint32_t expected = serving;
        if (!m_next.compare_exchange_strong(
                expected, serving + 1, std::memory_order_acquire, std::memory_order_relaxed))
            return false;
        m_owner.store(Cpu::current_id(), std::memory_order_relaxed);
        return true;
    }

    void unlock()
    {
        ROTA_ASSERT(is_held_by_current_cpu());
        m_owner.store(0, std::memory_order_relaxed);
        // Only the holder writes m_serving, so a plain increment is enough; the
        // release orders the critical section before the next holder's acquire.
        m_serving.store(m_serving.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    }

    bool is_held_by_current_cpu() const
    {
        return m_owner.load(std::memory_order_relaxed) == Cpu::current_id();
    }

    // CPUs that hold the lock or have taken a ticket for it (a snapshot, for
    // tests and diagnostics).
    uint32_t contenders() const
    {
        return m_next.load(std::memory_order_acquire) - m_serving.load(std::memory_order_acquire);
    }

private:
    std::atomic<uint32_t> m_next {0};
    std::atomic<uint32_t> m_serving {0};
    std::atomic<uint32_t> m_owner {0}; // Cpu::current_id() of the holder, 0 when free
};

template<class Cpu>
class [[nodiscard]] BasicSpinlockGuard {
public:
    explicit BasicSpinlockGuard(BasicSpinlock<Cpu>& lock)
        : m_lock(lock)
        , m_interrupts_were_enabled(Cpu::save_and_disable_interrupts())
    {
        m_lock.lock();
    }
    ~BasicSpinlockGuard()
    {
        m_lock.unlock();
        Cpu::restore_interrupts(m_interrupts_were_enabled);
    }
    BasicSpinlockGuard(const BasicSpinlockGuard&) = delete;
    BasicSpinlockGuard& operator=(const BasicSpinlockGuard&) = delete;

private:
    BasicSpinlock<Cpu>& m_lock;
    bool m_interrupts_were_enabled;
};

} // namespace rota

#ifdef ROTA_KERNEL
#include "core/sync/kernel_cpu.h"
namespace rota {
using Spinlock = BasicSpinlock<KernelCpu>;
using SpinlockGuard = BasicSpinlockGuard<KernelCpu>;
} // namespace rota
#endif
