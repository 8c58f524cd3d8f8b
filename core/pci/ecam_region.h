#pragma once

#include <cstdint>
#include <optional>

#include "core/lib/addr.h"
#include "core/lib/expected.h"
#include "core/pci/bdf.h"

// One range of PCI Express enhanced configuration space (ECAM): what an MCFG
// allocation entry describes (PCI Firmware 3.2, 4.1.2, table 4-3). The ACPI code
// fills it from MCFG; PCI takes it without knowing about ACPI.
//
// `base` is MCFG's base address field unchanged: the address bus 0 of the
// segment would have, even when bus_start is not 0 (Linux computes
// base + (bus << 20) the same way). Each function has 4 KiB at
// base + (bus << 20 | device << 15 | function << 12) (PCIe Base 4.0, 7.2.2).

namespace rota {

struct PciEcamRegion {
    PhysAddr base;
    uint16_t segment {0};
    uint8_t bus_start {0};
    uint8_t bus_end {0};
};

inline constexpr uint32_t ecam_function_size = 4096;

// Firmware input: a region PCI cannot use is refused (Error::Corrupt), never
// asserted. Requires bus_start <= bus_end and a 1 MiB aligned, non-null base
// (each bus takes 1 MiB).
inline Expected<void> validate_ecam_region(const PciEcamRegion& region)
{
    if (region.base.is_null() || region.bus_start > region.bus_end)
        return make_error(Error::Corrupt);
    if ((region.base.get() & ((1u << 20) - 1)) != 0)
        return make_error(Error::Corrupt);
    return {};
}

// The physical address of `offset` in `bdf`'s configuration space, or nothing
// when the region does not cover that segment and bus.
constexpr std::optional<PhysAddr> ecam_address(
    const PciEcamRegion& region, Bdf bdf, uint16_t offset)
{
    if (bdf.segment != region.segment || bdf.bus < region.bus_start || bdf.bus > region.bus_end)
        return std::nullopt;
    uint64_t function_offset
        = (uint64_t(bdf.bus) << 20) | (uint64_t(bdf.device) << 15) | (uint64_t(bdf.function) << 12);
    return region.base.offset(function_offset | offset);
}

} // namespace rota
