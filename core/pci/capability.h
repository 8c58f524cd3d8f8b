#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/lib/expected.h"
#include "core/pci/bdf.h"

// The capability list (PCI Local Bus 3.0, 6.7): a chain of structures in the
// PCI-compatible configuration space, each starting with an ID byte and a
// pointer to the next. rota keeps what its drivers need: MSI, MSI-X, the PCI
// Express capability, and the raw bytes of vendor-specific capabilities (virtio's
// transport parses virtio_pci_cap out of those, virtio 1.2, 4.1.4).

namespace rota {

class ConfigSpace;

namespace pci {
// Capability IDs (PCI Code and ID Assignment 1.11, 2.1).
inline constexpr uint8_t cap_power_management = 0x01;
inline constexpr uint8_t cap_msi = 0x05;
inline constexpr uint8_t cap_vendor_specific = 0x09;
inline constexpr uint8_t cap_pci_express = 0x10;
inline constexpr uint8_t cap_msix = 0x11;

// A capability list has at most (256 - 64) / 4 entries: one per dword past the
// header. More than that means a loop the visited set somehow missed.
inline constexpr size_t max_capabilities = 48;
} // namespace pci

struct CapabilityEntry {
    uint8_t id;
    uint8_t offset;
};

// Vendor-specific (PCI Local Bus 3.0, appendix H, ID 09h): byte 2 is the structure's
// length. The first bytes are copied as they are, for the driver to parse.
struct VendorCapability {
    static constexpr size_t max_bytes = 24; // virtio_pci_cap64 is the longest virtio needs
    uint8_t offset {0};
    uint8_t length {0}; // the device's cap_len (byte 2), unchecked
    uint8_t captured {0}; // bytes copied: min(length, max_bytes, end of the 256-byte space)
    uint8_t bytes[max_bytes] {};
};

// MSI (6.8.1): message control bits.
struct MsiCapability {
    uint8_t offset {0};
    bool address_64bit {false};
    bool per_vector_masking {false};
    uint8_t vectors_capable {1}; // 1, 2, 4, ... 32
};

// MSI-X (6.8.2): table and pending-bit array, each a BAR index (BIR) and an
// offset into it. BIR values 6 and 7 are reserved; they are kept as read for the
// driver to refuse.
struct MsixCapability {
    uint8_t offset {0};
    uint16_t table_size {0}; // entries (the register holds N - 1)
    uint8_t table_bar {0};
    uint32_t table_offset {0};
    uint8_t pba_bar {0};
    uint32_t pba_offset {0};
};

// PCI Express capability (PCIe Base 4.0, 7.5.3.2): version and port type.
enum class PciePortType : uint8_t {
    Endpoint = 0x0,
    LegacyEndpoint = 0x1,
    RootPort = 0x4,
    SwitchUpstream = 0x5,
    SwitchDownstream = 0x6,
    PcieToPciBridge = 0x7,
    PciToPcieBridge = 0x8,
    RootComplexIntegratedEndpoint = 0x9,
    RootComplexEventCollector = 0xa,
};
struct PcieCapability {
    uint8_t offset {0};
    uint8_t version {0};
    PciePortType port_type {PciePortType::Endpoint};
};

struct CapabilityList {
    static constexpr size_t max_vendor = 8;

    CapabilityEntry entries[pci::max_capabilities] {};
    uint8_t count {0};
    VendorCapability vendor[max_vendor] {};
    uint8_t vendor_count {0};
    bool vendor_overflow {
        false}; // more vendor capabilities than max_vendor (still listed in entries)
    std::optional<MsiCapability> msi;
    std::optional<MsixCapability> msix;
    std::optional<PcieCapability> pcie;

    bool has(uint8_t id) const
    {
        for (uint8_t i = 0; i < count; ++i) {
            if (entries[i].id == id)
                return true;
        }
        return false;
    }
};

// Walks `bdf`'s list, starting at `pointer_register` (0x34, or 0x14 for CardBus),
// into `out` (reset first). Only when status bit 4 says a list exists; without it
// `out` stays empty and the walk succeeds. Pointers are masked to dwords (6.7).
//
// The list is device input. A pointer into the header (< 0x40), a capability
// whose registers would run past the 256-byte space, a pointer seen before (a
// loop) or more than 48 entries end the walk with Error::Corrupt; `out` then
// holds every capability found before the bad pointer, which callers may use.
Expected<void> walk_capabilities(
    const ConfigSpace& config, Bdf bdf, uint8_t pointer_register, CapabilityList& out);

} // namespace rota
