#pragma once

#include <cstdint>
#include <span>

#include "core/pci/function_list.h"

// Finds every function reachable from the root buses (docs/boot.md): each
// of the 32 devices on a bus, all 8 functions when function 0 says it is
// multi-function (PCI Local Bus 3.0, 6.2.1), and the bus behind every PCI-PCI
// bridge (PCI-to-PCI Bridge 1.2, 3.2.5.3) as the firmware numbered it. Nothing
// is enabled; BARs are sized with decode briefly off (bar.h).

namespace rota {

class ConfigSpace;

// A root bus and the range of buses its bridges may lead to: an ECAM region, or
// segment 0 buses 0-255 for legacy access.
struct BusRange {
    uint16_t segment {0};
    uint8_t first {0};
    uint8_t last {255};
};

struct EnumerationStats {
    uint32_t functions {0}; // found (including any dropped for lack of room)
    uint32_t buses {0}; // scanned
    uint32_t bridges_followed {0};
    uint32_t bridges_skipped {0}; // see PciFunction::bridge_scan
    uint32_t dropped {0};
    uint32_t bar_errors {0};
    uint32_t capability_errors {0};
};

// Bridges deeper than this are not followed: real hierarchies (root port,
// switches) stay well inside it, and it bounds a firmware numbering gone wrong.
inline constexpr unsigned max_bridge_depth = 32;

// Appends to `out` (not cleared) in bus order. A bus is never scanned twice,
// whatever its bridges claim.
EnumerationStats enumerate_pci(
    ConfigSpace& config, std::span<const BusRange> roots, PciFunctionList& out);

// Reads one present function's header, BARs and capabilities (exposed for tests).
void read_function(ConfigSpace& config, Bdf bdf, PciFunction& out);

} // namespace rota
