#include "virtio/kernel/tsc_poll_clock.h"

#include "core/cpu/x86.h"
#include "core/time/clock.h"

namespace rota::virtio {

uint64_t TscPollClock::now_ns()
{
    return clock_now_ns();
}

void TscPollClock::relax()
{
    x86::pause();
}

} // namespace rota::virtio
