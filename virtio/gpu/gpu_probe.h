#pragma once

#include "virtio/gpu/gpu_device.h"

// The kernel's virtio-gpu: the first virtio-gpu function on PCI (1af4:1050,
// virtio 1.2, 5.7.1), opened as a modern device and initialised with the
// kernel's DMA allocator, clock and serial sink
// (virtio/device/kernel_environment.h). When there is none, or it does not
// open or initialise, the reason is one line, as the display step that asked
// reports it:
//   [video] <prefix>no virtio-gpu device
//   [video] <prefix>virtio-gpu 00:01.0 unusable: <error>
//   [video] <prefix>virtio-gpu 00:01.0 initialisation failed: <error>
// Boot CPU only; after pci_init.

namespace rota::gpu {

struct GpuProbe {
    bool want_virgl {false}; // negotiate VIRTIO_GPU_F_VIRGL when offered
    const char* line_prefix {""}; // "virgl unavailable: " for the 3D step
};

// The device, or nullptr (and the line above).
GpuDevice* gpu_probe(const GpuProbe& probe = {});

} // namespace rota::gpu
