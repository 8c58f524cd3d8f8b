#include "kernel/kernel_frame_clock.h"

#include "core/log/log.h"
#include "core/time/clock.h"
#include "core/time/sleep.h"

namespace rota {

namespace {

// A UART takes about 11 bytes a millisecond at 115200 baud and holds 16: a
// wait with lines to print wakes this often to feed it.
constexpr uint64_t drain_interval_ns = 1'000'000;

class KernelFrameClock final : public FrameClock {
public:
    uint64_t now_ns() override { return clock_now_ns(); }
    // Sleeps until the frame's deadline on a timer. The UART's time is taken
    // from the frame's slack, not from drawing or presenting: the log is
    // drained first, and while lines remain the sleep is cut into short
    // naps that feed the UART.
    void wait_until(uint64_t deadline_ns) override
    {
        for (uint64_t now = clock_now_ns(); now < deadline_ns; now = clock_now_ns()) {
            log_drain();
            uint64_t until = deadline_ns;
            if (log_pending() && deadline_ns - now > drain_interval_ns)
                until = now + drain_interval_ns;
            sleep_until_ns(until);
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
