#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/lib/expected.h"

// One CPU's pending deadlines, in front of the one hardware timer that CPU
// has (its local APIC timer, core/cpu/apic_timer.h): the hardware is always
// armed for the earliest of them. A CPU has a handful at a time (the frame's
// deadline, a device wait's timeout, a nap), so this is a small fixed array
// scanned in full: nothing to allocate and nothing that can fail in an
// interrupt handler but a full queue, which add() reports.
//
// Deadlines are in the caller's unit (the kernel uses TSC ticks). Pure and
// unlocked: the kernel keeps one per CPU and touches it only on that CPU with
// interrupts off (core/time/timers.h).

namespace rota {

// A pending timer. The generation makes an id that has fired (its slot since
// reused) cancel nothing.
struct TimerId {
    uint32_t value {0};
    constexpr bool valid() const { return value != 0; }
};

class TimerQueue {
public:
    static constexpr size_t capacity = 8;
    // Runs when the timer expires (in the timer interrupt, interrupts off);
    // may be null when expiring is all the caller needs (a sleeper that
    // looks at the time when it wakes).
    using Callback = void (*)(void* context);

    // Error::Busy when all `capacity` slots hold pending timers.
    Expected<TimerId> add(uint64_t deadline, Callback callback = nullptr, void* context = nullptr);
    // True if the timer was pending (it will not run); false if it already
    // expired or was cancelled.
    bool cancel(TimerId id);
    // The earliest pending deadline; nullopt when nothing is pending.
    std::optional<uint64_t> next_deadline() const;
    // Takes every timer due at `now` (deadline <= now) off the queue, earliest
    // first, and runs its callback. A callback that adds a timer due already
    // does not run it in this call: the next expiry does. Returns how many ran.
    size_t expire(uint64_t now);
    size_t pending() const;

private:
    struct Slot {
        uint64_t deadline {0};
        uint64_t sequence {0}; // when it was added, to order equal deadlines
        Callback callback {nullptr};
        void* context {nullptr};
        uint8_t generation {0};
        bool armed {false};
    };

    static constexpr uint32_t id_of(size_t slot, uint8_t generation)
    {
        return uint32_t(slot + 1) | (uint32_t(generation) << 8);
    }
    // The earliest armed slot added before `sequence_limit`, or capacity.
    size_t earliest(uint64_t sequence_limit) const;

    Slot m_slots[capacity] {};
    uint64_t m_next_sequence {0};
};

} // namespace rota
