#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/lib/expected.h"
#include "core/mem/address_space_plan.h"
#include "core/mem/memory_map.h"

// How the firmware's description of memory becomes layers of rota's address
// space plan (docs/memory.md):
//
// - RAM the memory map describes (loader, boot-services, conventional, ACPI and
//   persistent memory) is read-write and no-execute, write-back when the
//   descriptor allows it. Boot-services memory is RAM again after
//   ExitBootServices (UEFI 2.10, 7.4.6).
// - Runtime services regions (EFI_MEMORY_RUNTIME) are mapped as their
//   attributes say (UEFI 2.10, 2.3.4: x64 runtime services run on the OS's
//   identity mapping): the cacheability they allow, read-only with
//   EFI_MEMORY_RO, no-execute with EFI_MEMORY_XP and for everything but
//   runtime code. Runtime code without finer information stays writable too,
//   because one region holds a runtime driver's code and its data; the memory
//   attributes table (core/mem/memory_attributes.h), when there is one, splits
//   it into read-execute code and read-write data.
// - Everything else (reserved, unusable, MMIO without the runtime attribute,
//   unaccepted or specific-purpose memory, types this code does not know) is not
//   mapped: rota has no business there.
//
// The descriptors are input: any type, overlap or attribute may appear, and
// none is asserted.

namespace rota {

struct FirmwareLayerStats {
    size_t ram_layers {0};
    size_t runtime_layers {0};
    size_t unmapped_descriptors {0}; // descriptors no layer maps
    size_t attribute_entries {0}; // memory attributes table entries applied
    size_t attribute_entries_ignored {0}; // outside any runtime region: malformed
};

// The memory type a descriptor's cacheability bits allow, in rota's order of
// preference: write-back first for memory, uncached first for MMIO. A
// descriptor that allows none is mapped uncached, which is always safe.
MemoryType memory_type_for(uint32_t type, uint64_t attribute);

// Layers for the memory map's RAM. Error::OutOfMemory when the plan is full,
// Error::InvalidArgument for a malformed map (as count_descriptors).
Expected<void> add_ram_layers(AddressSpacePlan& plan, RawMemoryMap map, FirmwareLayerStats& stats);

// Layers for the runtime services regions, then for the entries of the memory
// attributes table `attributes` (if any) that lie inside one of them.
Expected<void> add_runtime_layers(AddressSpacePlan& plan, RawMemoryMap map,
    std::optional<RawMemoryMap> attributes, FirmwareLayerStats& stats);

} // namespace rota
