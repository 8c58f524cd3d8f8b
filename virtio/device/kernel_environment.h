#pragma once

#include "core/log/diagnostic_sink.h"
#include "core/mem/dma.h"
#include "core/time/poll_clock.h"

// What the kernel injects into every virtio driver (virtio/device/device.h):
// whole identity-mapped pages for DMA (core/mem/page_dma_allocator.h), the
// calibrated TSC with a short nap between polls (core/time/tsc_poll_clock.h),
// and the serial log as the diagnostic sink. Kernel-only; host tests inject
// fakes instead. The probes (virtio/blk/blk_probe.h, virtio/gpu/gpu_probe.h)
// pass these to the drivers they create.

namespace rota::virtio {

struct DeviceEnvironment {
    DmaAllocator& dma;
    PollClock& clock;
    DiagnosticSink& sink;
};

DeviceEnvironment kernel_device_environment();

} // namespace rota::virtio
