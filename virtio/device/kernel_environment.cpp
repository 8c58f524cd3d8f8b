#include "virtio/device/kernel_environment.h"

#include "core/log/klog_sink.h"
#include "core/mem/page_dma_allocator.h"
#include "core/time/tsc_poll_clock.h"

namespace rota::virtio {

namespace {

constinit PageDmaAllocator g_dma;
constinit TscPollClock g_clock;

} // namespace

DeviceEnvironment kernel_device_environment()
{
    return {g_dma, g_clock, klog_sink()};
}

} // namespace rota::virtio
