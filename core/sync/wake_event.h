#pragma once

#include <atomic>
#include <cstdint>

#include "core/sync/wake_signal.h"

// The kernel's WakeSignal: one context sleeps on it (halted, with a timer for
// its deadline, core/time/sleep.h) until signal() is called, from an interrupt
// handler on any CPU or from code on another CPU.
//
// Losing no wake-up across CPUs is the classic two-flag handshake: the sleeper
// publishes itself, then looks at the signal; the signaller sets the signal,
// then looks for a sleeper (both sequentially consistent). At least one of the
// two sees the other: either the sleeper finds the signal and does not halt, or
// the signaller finds the sleeper and sends it the wake-up IPI, which ends its
// halt (or, if it has not halted yet, is pending and ends it at once). On the
// sleeper's own CPU no IPI is needed: the handler runs inside the halt, and the
// halt loop looks at the signal when it returns.

namespace rota {

class WakeEvent final : public WakeSignal {
public:
    constexpr WakeEvent() = default;

    void arm() override;
    void sleep_until(uint64_t deadline_ns) override;
    // Ends the sleep, or the next one if nobody sleeps yet (until arm()).
    void signal();

    bool signalled() const { return m_signalled.load(std::memory_order_acquire); }

private:
    std::atomic<bool> m_signalled {false};
    std::atomic<uint32_t> m_sleeper {0}; // local APIC id + 1 of the sleeping CPU; 0: none
};

} // namespace rota
