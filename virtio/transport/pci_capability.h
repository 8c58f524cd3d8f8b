#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/lib/addr.h"
#include "core/lib/expected.h"

// The modern virtio-pci transport finds its structures through vendor-specific
// PCI capabilities (virtio 1.2, 4.1.4). The PCI layer hands over their raw bytes
// and the function's BARs; this turns them into the physical address ranges of
// the common configuration, notification, ISR and device-specific structures.
// Everything here is device input and is checked, never asserted.

namespace rota::virtio {

// struct virtio_pci_cap (4.1.4): the fields common to every cfg_type.
struct [[gnu::packed]] VirtioPciCap {
    uint8_t cap_vndr; // 0x09, vendor-specific
    uint8_t cap_next;
    uint8_t cap_len;
    uint8_t cfg_type;
    uint8_t bar;
    uint8_t id;
    uint8_t padding[2];
    uint32_t offset; // within the BAR
    uint32_t length;
};
static_assert(sizeof(VirtioPciCap) == 16);

// struct virtio_pci_notify_cap (4.1.4.4).
struct [[gnu::packed]] VirtioPciNotifyCap {
    VirtioPciCap cap;
    uint32_t notify_off_multiplier;
};
static_assert(sizeof(VirtioPciNotifyCap) == 20);

enum class PciCapType : uint8_t {
    Common = 1,
    Notify = 2,
    Isr = 3,
    Device = 4,
    PciCfg = 5,
};

// Smallest structures rota can use. Common: through queue_device (4.1.4.3; the
// later queue_notify_data and queue_reset exist only with features rota never
// accepts). Notify: one 16-bit doorbell (4.1.4.4). ISR: one byte (4.1.4.5).
inline constexpr uint32_t min_common_length = 0x38;
inline constexpr uint32_t min_notify_length = 2;
inline constexpr uint32_t min_isr_length = 1;

// Input from the PCI layer: one vendor-specific capability as found in
// configuration space, from its cap_vndr byte on (at least cap_len bytes when
// the device is well formed; fewer is treated as malformed).
struct RawCapability {
    uint8_t config_offset;
    std::span<const uint8_t> bytes;
};

// Input from the PCI layer: one BAR as the firmware programmed it.
struct BarWindow {
    uint64_t address {0}; // 0: not assigned
    uint64_t size {0}; // 0: not implemented
    bool memory {true}; // false: an I/O BAR, which rota does not drive
};

struct VirtioPciResources {
    std::span<const RawCapability> capabilities;
    std::array<BarWindow, 6> bars;
};

struct Region {
    PhysAddr address;
    uint32_t length {0}; // 0: absent
    constexpr bool present() const { return length != 0; }
};

struct VirtioPciLayout {
    Region common;
    Region notify;
    uint32_t notify_off_multiplier {0};
    Region isr; // absent on a device that breaks 4.1.4.5; rota polls and needs none
    Region device; // absent for device types without configuration
    uint8_t pci_cfg_offset {0}; // the VIRTIO_PCI_CAP_PCI_CFG capability (0: none)
    uint8_t skipped {0}; // capabilities ignored as malformed or unusable
};

// Error::Unsupported without a usable common configuration capability (a
// legacy-only device: the caller logs "legacy-only virtio device refused");
// Error::Corrupt when the common structure is there but no notification one is.
// Capabilities that are malformed, point at an unusable BAR or do not fit their
// BAR are skipped and counted, and the next one of the same type is tried:
// 4.1.4.1 lets the driver use the first instance it can support.
Expected<VirtioPciLayout> parse_virtio_pci_capabilities(const VirtioPciResources& resources);

} // namespace rota::virtio
