#include "virtio/device/kernel_environment.h"

#include "core/log/log.h"
#include "core/mem/page_dma_allocator.h"
#include "core/time/tsc_poll_clock.h"

namespace rota::virtio {

namespace {

class KlogSink final : public DiagnosticSink {
public:
    void report(const char* line) override { klog("%s", line); }
};

constinit KlogSink g_sink;
constinit PageDmaAllocator g_dma;
constinit TscPollClock g_clock;

} // namespace

DeviceEnvironment kernel_device_environment()
{
    return {g_dma, g_clock, g_sink};
}

} // namespace rota::virtio
