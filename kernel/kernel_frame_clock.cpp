#include "kernel/kernel_frame_clock.h"

#include "core/cpu/x86.h"
#include "core/log/log.h"
#include "core/time/clock.h"
#include "core/time/sleep.h"

namespace rota {

namespace {

// A UART takes about 11 bytes a millisecond at 115200 baud and holds 16: a
// wait with lines to print wakes this often to feed it.
constexpr uint64_t drain_interval_ns = 1'000'000;
// Bounds of the early wake-up (see wait_until).
constexpr uint64_t min_margin_ns = 20'000;
constexpr uint64_t max_margin_ns = 2'000'000;

class KernelFrameClock final : public FrameClock {
public:
    uint64_t now_ns() override { return clock_now_ns(); }

    // Sleeps on a timer until just before the frame's deadline, then spins
    // the rest. A halted CPU wakes late: the timer interrupt has to be
    // delivered and, under emulation, the vCPU's host thread woken, tens to
    // hundreds of microseconds. The frame loop starts a frame when the last
    // wait ended, so each late wake-up would be lost from the frame rate. The
    // margin follows how late recent wake-ups were (twice their running
    // mean), so the spin stays short. The UART's time comes from the slack:
    // the log is drained first, and while lines remain the sleep is cut into
    // naps that feed the UART.
    void wait_until(uint64_t deadline_ns) override
    {
        uint64_t now = clock_now_ns();
        while (now + m_margin_ns < deadline_ns) {
            log_drain();
            uint64_t until = deadline_ns - m_margin_ns;
            if (log_pending() && until - now > drain_interval_ns)
                until = now + drain_interval_ns;
            sleep_until_ns(until);
            now = clock_now_ns();
            learn_lateness(now > until ? now - until : 0);
        }
        while (now < deadline_ns) {
            log_drain();
            x86::pause();
            now = clock_now_ns();
        }
    }
    void idle() override { log_drain(); }

private:
    void learn_lateness(uint64_t late_ns)
    {
        m_late_ns = (7 * m_late_ns + late_ns) / 8;
        uint64_t margin = 2 * m_late_ns;
        m_margin_ns = margin < min_margin_ns ? min_margin_ns
            : margin > max_margin_ns         ? max_margin_ns
                                             : margin;
    }

    uint64_t m_late_ns {50'000}; // running mean of how late a wake-up was
    uint64_t m_margin_ns {100'000}; // how early to wake before a deadline
};

constinit KernelFrameClock g_frame_clock;

} // namespace

FrameClock& kernel_frame_clock()
{
    return g_frame_clock;
}

} // namespace rota
