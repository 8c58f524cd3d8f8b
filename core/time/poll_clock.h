#pragma once

#include <cstdint>

#include "core/lib/expected.h"

// Every wait on a virtio device (reset, completions) has a deadline on an
// injected clock rather than a spin count, so a timeout means the same time on
// a fast host and under TCG. The kernel reads the calibrated TSC
// (core/time/clock.h), host tests std::chrono or a fake that advances by hand.

namespace rota {

class PollClock {
public:
    virtual uint64_t now_ns() = 0;
    // Called between two polls that found nothing: pause, or yield the thread.
    virtual void relax() = 0;

protected:
    ~PollClock() = default;
};

// What one look at the device found.
enum class PollStep {
    Done, // what was waited for has happened
    Progress, // something else happened: look again at once
    Idle, // nothing yet: relax, then look again
};

// The one deadline wait: calls `step` (returning Expected<PollStep>) until it
// says Done, fails, or `timeout_ns` have passed on `clock` after a look that
// found nothing (Error::Timeout). Only idle looks wait: `idle(deadline_ns)`
// sleeps until something may have changed or the deadline (an interrupt
// wait), or, by default, the clock relaxes once.
template<class Step, class Idle>
Expected<void> poll_until(PollClock& clock, uint64_t timeout_ns, Step&& step, Idle&& idle)
{
    uint64_t start = clock.now_ns();
    uint64_t deadline = timeout_ns > UINT64_MAX - start ? UINT64_MAX : start + timeout_ns;
    for (;;) {
        PollStep found = TRY(step());
        if (found == PollStep::Done)
            return {};
        if (found == PollStep::Progress)
            continue;
        if (clock.now_ns() - start >= timeout_ns)
            return make_error(Error::Timeout);
        idle(deadline);
    }
}

template<class Step>
Expected<void> poll_until(PollClock& clock, uint64_t timeout_ns, Step&& step)
{
    return poll_until(clock, timeout_ns, step, [&](uint64_t) { clock.relax(); });
}

} // namespace rota
