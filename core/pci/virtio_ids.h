#pragma once

#include <cstdint>

// How a virtio device shows itself on PCI (virtio 1.2, 4.1.2): its vendor ID,
// and the device ID of a modern (virtio 1.x) device of each type, 0x1040 plus
// the type's number (5 "Device Types"). The one home of these numbers: PCI
// naming (core/pci/pci_names.cpp) and the virtio drivers' probes
// (virtio/blk/blk_probe.cpp, virtio/gpu/gpu_probe.cpp) all read them here.
// It sits in core/pci/ because PCI naming, below virtio/, needs it too.

namespace rota {

inline constexpr uint16_t pci_vendor_virtio = 0x1af4;

// 4.1.2.1: modern device IDs are 0x1040 + type, for types 0 to 0x3f.
inline constexpr uint16_t virtio_modern_device_base = 0x1040;
inline constexpr uint16_t virtio_modern_device_last = 0x107f;

// 5: the types rota drives.
enum class VirtioDeviceType : uint8_t {
    Block = 2,
    Gpu = 16,
};

constexpr uint16_t virtio_modern_device_id(VirtioDeviceType type)
{
    return uint16_t(virtio_modern_device_base + uint16_t(type));
}

} // namespace rota
