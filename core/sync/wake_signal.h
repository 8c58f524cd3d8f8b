#pragma once

#include <cstdint>

// What a waiting context sleeps on and an interrupt handler ends: the
// kernel's WakeEvent (core/sync/wake_event.h) halts the CPU until the
// device's interrupt or a timer; host tests use a thread-safe fake that a
// fake device thread signals. Injected into waits, so the code that decides
// when to sleep is the same in both worlds.
//
// The protocol that loses no wake-up: arm(), then make the condition the
// interrupt reports observable to the device (virtqueue callbacks on), then
// look once more, and only then sleep_until(). A signal between arm() and
// the sleep ends the sleep at once.

namespace rota {

class WakeSignal {
public:
    // Forgets earlier signals: from now on a signal is remembered until the
    // next arm().
    virtual void arm() = 0;
    // Returns when signalled since arm(), or once `deadline_ns` (on the
    // waiter's PollClock) has passed. May return early; callers look again.
    virtual void sleep_until(uint64_t deadline_ns) = 0;

protected:
    ~WakeSignal() = default;
};

} // namespace rota
