#include "virtio/device/kernel_environment.h"

#include "core/log/klog_sink.h"
#include "core/mem/page_dma_allocator.h"
#include "core/time/tsc_poll_clock.h"

namespace rota::virtio {

namespace {

constinit PageDmaAllocator g_dma;
constinit TscPollClock g_clock;
constinit bool g_interrupts = true;

} // namespace

DeviceEnvironment kernel_device_environment()
{
    return {g_dma, g_clock, klog_sink(), g_interrupts};
}

void kernel_devices_use_interrupts(bool interrupts)
{
    g_interrupts = interrupts;
}

} // namespace rota::virtio
