#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/lib/addr.h"
#include "core/lib/expected.h"
#include "core/mem/address_space_plan.h"
#include "core/mem/firmware_regions.h"
#include "core/mem/memory_map.h"
#include "core/mem/stack_region.h"

// The plan of rota's own address space (docs/memory.md): everything identity
// mapped, each part with the protection and memory type it needs. Pure: the
// kernel fills the inputs from BootInfo, the ACPI tables and the linker's
// symbols; host tests from synthetic and captured memory maps.

namespace rota {

// Where the loaded image's parts are (cmake/rota.lds lays them out on page
// boundaries, in this order).
struct KernelImageLayout {
    uint64_t base {0};
    uint64_t end {0};
    uint64_t text_start {0};
    uint64_t text_end {0};
    uint64_t rodata_start {0};
    uint64_t rodata_end {0};
    uint64_t data_start {0};
    uint64_t data_end {0};

    // Page-aligned and in order, inside [base, end).
    bool valid() const;
};

struct DeviceRange {
    PhysAddr base;
    uint64_t bytes {0};
};

struct AddressSpaceInputs {
    RawMemoryMap memory_map {nullptr, 0, sizeof(EfiMemoryDescriptor)};
    std::optional<RawMemoryMap> memory_attributes {}; // the table's entries
    KernelImageLayout image {};
    std::span<const DeviceRange> devices {}; // mapped uncached
    std::optional<DeviceRange> framebuffer {}; // mapped write-combining
    std::span<const StackRegion> stacks {}; // their guard pages are left unmapped
};

struct AddressSpaceSummary {
    FirmwareLayerStats firmware;
    size_t devices_ignored {0}; // empty or wrapping ranges
};

// Fills `plan`, in this order, later layers winning: devices uncached; the
// memory map's RAM read-write and no-execute; runtime services regions as the
// firmware describes them; the framebuffer write-combining; the kernel image
// read-only, its text read-execute and its data read-write; the stacks' guard
// pages and page 0 unmapped. Error::InvalidArgument for a malformed memory map
// or an invalid image layout, Error::OutOfMemory when the plan is full.
Expected<AddressSpaceSummary> plan_address_space(
    const AddressSpaceInputs& inputs, AddressSpacePlan& plan);

} // namespace rota
