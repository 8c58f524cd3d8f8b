#include "core/time/tsc_poll_clock.h"

#include "core/cpu/x86.h"
#include "core/time/clock.h"
#include "core/time/sleep.h"

namespace rota {

uint64_t TscPollClock::now_ns()
{
    return clock_now_ns();
}

// Between two polls that found nothing: a short nap rather than a spin, so
// that under emulation the vCPU's host thread sleeps and the device model
// (which needs a host core to answer) gets to run. A device answering within
// the nap costs at most its length in latency.
void TscPollClock::relax()
{
    constexpr uint32_t nap_us = 20;
    if (!sleep_for_us(nap_us))
        x86::pause();
}

} // namespace rota
