#pragma once

#include <atomic>
#include <cstdint>

#include "core/cpu/x86.h"

// A ticket spinlock: FIFO-fair, so no CPU starves under contention (Linux's
// pre-qspinlock design). Take it through SpinlockGuard, which also disables
// interrupts for the time it is held and restores the previous state: an
// interrupt handler on the same CPU that wanted the lock would otherwise spin
// forever.

namespace rota {

class Spinlock {
public:
    constexpr Spinlock() = default;
    Spinlock(const Spinlock&) = delete;
    Spinlock& operator=(const Spinlock&) = delete;

    void lock()
    {
        uint32_t ticket = m_next.fetch_add(1, std::memory_order_relaxed);
        while (m_serving.load(std::memory_order_acquire) != ticket)
            x86::pause();
    }
    bool try_lock()
    {
        uint32_t serving = m_serving.load(std::memory_order_acquire);
        uint32_t expected = serving;
        return m_next.compare_exchange_strong(expected, serving + 1, std::memory_order_acquire,
            std::memory_order_relaxed);
    }
    void unlock() { m_serving.store(m_serving.load(std::memory_order_relaxed) + 1, std::memory_order_release); }
    bool is_locked() const
    {
        return m_next.load(std::memory_order_relaxed) != m_serving.load(std::memory_order_relaxed);
    }

private:
    std::atomic<uint32_t> m_next { 0 };
    std::atomic<uint32_t> m_serving { 0 };
};

class SpinlockGuard {
public:
    explicit SpinlockGuard(Spinlock& lock)
        : m_lock(lock)
        , m_interrupts_were_enabled(x86::interrupts_enabled())
    {
        x86::cli();
        m_lock.lock();
    }
    ~SpinlockGuard()
    {
        m_lock.unlock();
        if (m_interrupts_were_enabled)
            x86::sti();
    }
    SpinlockGuard(const SpinlockGuard&) = delete;
    SpinlockGuard& operator=(const SpinlockGuard&) = delete;

private:
    Spinlock& m_lock;
    bool m_interrupts_were_enabled;
};

} // namespace rota
