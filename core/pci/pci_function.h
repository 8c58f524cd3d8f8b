#pragma once

#include <cstdint>
#include <optional>

#include "core/lib/error.h"
#include "core/pci/bar.h"
#include "core/pci/bdf.h"
#include "core/pci/capability.h"

// What enumeration learned about one function: identity, class, BARs and
// capabilities, read once at boot with nothing enabled (docs/boot.md).

namespace rota {

// Why enumeration did or did not go behind a PCI-PCI bridge.
enum class BridgeScan : uint8_t {
    NotABridge,
    Followed, // its secondary bus was scanned
    Unconfigured, // secondary bus 0: the firmware did not number it
    OutOfRange, // secondary bus outside the ECAM region / segment range
    AlreadyScanned, // the secondary bus was scanned before (a loop, or two bridges claim it)
    TooDeep, // more bridges in a row than rota follows
};

constexpr const char* bridge_scan_name(BridgeScan scan)
{
    switch (scan) {
    case BridgeScan::NotABridge:
        return "none";
    case BridgeScan::Followed:
        return "followed";
    case BridgeScan::Unconfigured:
        return "unconfigured";
    case BridgeScan::OutOfRange:
        return "out-of-range";
    case BridgeScan::AlreadyScanned:
        return "already-scanned";
    case BridgeScan::TooDeep:
        return "too-deep";
    }
    return "unknown";
}

struct PciFunction {
    Bdf bdf;
    uint16_t vendor_id {0};
    uint16_t device_id {0};
    uint8_t class_code {0};
    uint8_t subclass {0};
    uint8_t prog_if {0};
    uint8_t revision {0};
    uint8_t header_type {0}; // layout only (bits 6:0); see multifunction
    bool multifunction {false};
    uint16_t subsystem_vendor_id {0}; // type 0 headers only
    uint16_t subsystem_id {0};
    uint8_t interrupt_pin {0}; // 0 none, 1-4 INTA#-INTD#

    uint8_t bar_count {0}; // 6 for type 0, 2 for bridges, 0 otherwise
    Bar bars[max_bars] {};
    std::optional<Error> bar_error; // probe_bars failed; bars[] holds what it could read

    CapabilityList capabilities;
    std::optional<Error>
        capability_error; // the walk stopped early; the list holds what came before

    // Type 1 headers only.
    uint8_t secondary_bus {0};
    uint8_t subordinate_bus {0};
    BridgeScan bridge_scan {BridgeScan::NotABridge};

    constexpr bool is_bridge() const { return header_type == 1; }
    constexpr bool has_io_bars() const
    {
        for (uint8_t i = 0; i < bar_count; ++i) {
            if (bars[i].is_io())
                return true;
        }
        return false;
    }
};

} // namespace rota
