#pragma once

#include <cstdint>

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

} // namespace rota
