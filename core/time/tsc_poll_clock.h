#pragma once

#include "core/time/poll_clock.h"

// The kernel's PollClock: the calibrated TSC (core/time/clock.h), and `pause`
// between polls (it tells a hyperthread sibling, or QEMU, that this is a spin).

namespace rota {

class TscPollClock final : public PollClock {
public:
    constexpr TscPollClock() = default;
    uint64_t now_ns() override;
    void relax() override;
};

} // namespace rota
