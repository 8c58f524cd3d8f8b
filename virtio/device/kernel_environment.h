#pragma once

#include "core/log/diagnostic_sink.h"
#include "core/mem/dma.h"
#include "core/time/poll_clock.h"

// What the kernel injects into every virtio driver (virtio/device/device.h):
// whole identity-mapped pages for DMA (core/mem/page_dma_allocator.h), the
// calibrated TSC with a short nap between polls (core/time/tsc_poll_clock.h),
// and the serial log as the diagnostic sink, and whether devices interrupt
// (irq=, docs/interrupts.md). Kernel-only; host tests inject fakes instead.
// The probes (virtio/blk/blk_probe.h, virtio/gpu/gpu_probe.h) pass these to
// the drivers they create, and attach each device's interrupts
// (virtio/transport/virtio_irq.h) to its transport.

namespace rota::virtio {

struct DeviceEnvironment {
    DmaAllocator& dma;
    PollClock& clock;
    DiagnosticSink& sink;
    bool interrupts; // irq=on: MSI-X or INTx; off: polled
};

DeviceEnvironment kernel_device_environment();
// From the configuration, before the first probe.
void kernel_devices_use_interrupts(bool interrupts);

} // namespace rota::virtio
