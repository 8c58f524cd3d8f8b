#include "virtio/gpu/gpu_probe.h"

#include "core/log/log.h"
#include "core/pci/pci.h"
#include "core/pci/virtio_ids.h"
#include "virtio/device/kernel_environment.h"
#include "virtio/transport/virtio_irq.h"
#include "virtio/transport/virtio_pci_device.h"

namespace rota::gpu {

GpuDevice* gpu_probe(const GpuProbe& probe)
{
    const char* prefix = probe.line_prefix;
    const PciFunction* fn
        = pci_find(pci_vendor_virtio, virtio_modern_device_id(VirtioDeviceType::Gpu));
    if (fn == nullptr) {
        klog("[video] %sno virtio-gpu device", prefix);
        return nullptr;
    }
    auto pci = virtio::VirtioPciDevice::open(*fn);
    if (pci.is_error()) {
        klog("[video] %svirtio-gpu %s unusable: %s", prefix, bdf_text(fn->bdf).text,
            error_name(pci.error()));
        return nullptr;
    }
    virtio::DeviceEnvironment env = virtio::kernel_device_environment();
    virtio::attach_virtio_irq(*fn, pci.value()->transport(), 1, "virtio-gpu", env.interrupts);
    auto device = GpuDevice::create(pci.value()->transport(), env.dma, env.clock, env.sink,
        pci.value()->name(), probe.want_virgl);
    if (device.is_error()) {
        klog("[video] %svirtio-gpu %s initialisation failed: %s", prefix, pci.value()->name(),
            error_name(device.error()));
        return nullptr;
    }
    return new GpuDevice(device.release_value());
}

} // namespace rota::gpu
