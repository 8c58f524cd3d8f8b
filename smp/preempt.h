#pragma once

#include <atomic>
#include <cstdint>

#include "core/lib/assert.h"

// Preemption guards on the per-CPU counter. Code that uses the current CPU's
// data holds a guard for as long as it does: while the count is non-zero the
// CPU's identity cannot change under it and work deferred to this CPU waits.
// When the outermost guard is dropped, the deferred work runs (still inside the
// guard, so what it defers in turn joins the same drain) and then the count
// returns to zero, with interrupts off between the last look at the queue and
// the decrement.
//
// Written against a Cpu policy, like the spinlock (core/sync/spinlock.h):
//   static PreemptState& preempt_state();   // this CPU's (this thread's) state
//   static bool save_and_disable_interrupts();
//   static void restore_interrupts(bool was_enabled);

namespace rota {

// A unit of deferred work. The node belongs to the caller and must stay alive
// until it has run; intrusive, so deferring never allocates and never fails.
struct DeferredWork {
    void (*function)(void* argument) {nullptr};
    void* argument {nullptr};
    DeferredWork* next {nullptr};
};

struct PreemptState {
    // Written by this CPU only; interrupt handlers on this CPU read it.
    std::atomic<uint32_t> count {0};
    // Protected by disabling interrupts on this CPU (the only other writer is
    // an interrupt handler here).
    DeferredWork* head {nullptr};
    DeferredWork* tail {nullptr};
};

template<class Cpu>
class [[nodiscard]] BasicPreemptGuard {
public:
    BasicPreemptGuard()
        : m_state(Cpu::preempt_state())
    {
        m_state.count.fetch_add(1, std::memory_order_relaxed);
        std::atomic_signal_fence(std::memory_order_seq_cst);
    }
    ~BasicPreemptGuard()
    {
        std::atomic_signal_fence(std::memory_order_seq_cst);
        if (m_state.count.load(std::memory_order_relaxed) == 1)
            drain_and_release(m_state);
        else
            m_state.count.fetch_sub(1, std::memory_order_release);
    }
    BasicPreemptGuard(const BasicPreemptGuard&) = delete;
    BasicPreemptGuard& operator=(const BasicPreemptGuard&) = delete;

    PreemptState& state() { return m_state; }

    // Runs `work` now if this CPU holds no guard, else when the outermost one
    // is dropped.
    static void defer(DeferredWork& work)
    {
        PreemptState& state = Cpu::preempt_state();
        if (state.count.load(std::memory_order_relaxed) == 0) {
            BasicPreemptGuard guard;
            work.function(work.argument);
            return;
        }
        bool interrupts = Cpu::save_and_disable_interrupts();
        work.next = nullptr;
        if (state.tail != nullptr)
            state.tail->next = &work;
        else
            state.head = &work;
        state.tail = &work;
        Cpu::restore_interrupts(interrupts);
    }

private:
    // The outermost guard's exit: runs the queue until it is empty and drops
    // the count to zero in the same interrupts-off section as the last look
    // at the queue. An interrupt that defers work after that look sees the
    // count at zero and runs it at once; one that came before it left its
    // work in the queue for the look to find. (Checking, enabling interrupts
    // and only then decrementing left a window in which deferred work stayed
    // queued until some later guard.)
    static void drain_and_release(PreemptState& state)
    {
        for (;;) {
            bool interrupts = Cpu::save_and_disable_interrupts();
            DeferredWork* work = state.head;
            if (work == nullptr) {
                state.count.fetch_sub(1, std::memory_order_release);
                Cpu::restore_interrupts(interrupts);
                return;
            }
            state.head = work->next;
            if (state.head == nullptr)
                state.tail = nullptr;
            Cpu::restore_interrupts(interrupts);
            work->function(work->argument);
        }
    }

    PreemptState& m_state;
};

// Disables interrupts as well as preemption: for code an interrupt handler on
// this CPU must not interleave with.
template<class Cpu>
class [[nodiscard]] BasicInterruptGuard {
public:
    BasicInterruptGuard() = default;
    BasicInterruptGuard(const BasicInterruptGuard&) = delete;
    BasicInterruptGuard& operator=(const BasicInterruptGuard&) = delete;

    PreemptState& state() { return m_preempt.state(); }

private:
    struct InterruptsOff {
        bool was_enabled = Cpu::save_and_disable_interrupts();
        ~InterruptsOff() { Cpu::restore_interrupts(was_enabled); }
    };
    // Order matters: interrupts go off before preemption and come back only
    // after the deferred work has run (members are destroyed in reverse order).
    InterruptsOff m_interrupts_off;
    BasicPreemptGuard<Cpu> m_preempt;
};

} // namespace rota
