#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

#include "smp/preempt.h"

// The Cpu policy for host tests: each std::thread plays one CPU, with its own
// id, "interrupt flag" and preemption state.
struct HostCpu {
    static uint32_t current_id()
    {
        static std::atomic<uint32_t> next {1};
        thread_local uint32_t id = next.fetch_add(1);
        return id;
    }
    static bool& interrupts_flag()
    {
        thread_local bool enabled = true;
        return enabled;
    }
    static bool save_and_disable_interrupts()
    {
        bool was = interrupts_flag();
        interrupts_flag() = false;
        return was;
    }
    static void restore_interrupts(bool was_enabled) { interrupts_flag() = was_enabled; }
    static void relax() { std::this_thread::yield(); }
    static rota::PreemptState& preempt_state()
    {
        thread_local rota::PreemptState state;
        return state;
    }
};
