#include "kernel/kernel_frame_clock.h"

#include "core/cpu/x86.h"
#include "core/log/log.h"
#include "core/time/clock.h"

namespace rota {

namespace {

class KernelFrameClock final : public FrameClock {
public:
    uint64_t now_ns() override { return clock_now_ns(); }
    // The UART's time is taken from the frame's slack, not from drawing or
    // presenting.
    void wait_until(uint64_t deadline_ns) override
    {
        while (clock_now_ns() < deadline_ns) {
            log_drain();
            x86::pause();
        }
    }
    void idle() override { log_drain(); }
};

constinit KernelFrameClock g_frame_clock;

} // namespace

FrameClock& kernel_frame_clock()
{
    return g_frame_clock;
}

} // namespace rota
