#pragma once

#include <cstddef>
#include <cstdint>

#include "core/lib/expected.h"
#include "core/mem/memory_map.h"

// The UEFI memory attributes table (UEFI 2.10, 4.6.4): for each runtime
// services region, which parts are code (EFI_MEMORY_RO) and which are data
// (EFI_MEMORY_XP). The memory map alone lumps a runtime driver's code and data
// into one EfiRuntimeServicesCode region, which would then have to stay both
// writable and executable; with this table it need not.

namespace rota {

// EFI_MEMORY_ATTRIBUTES_TABLE's header; EFI_MEMORY_DESCRIPTORs follow it.
struct MemoryAttributesHeader {
    uint32_t version; // 1 or 2 (2 adds the flags)
    uint32_t number_of_entries;
    uint32_t descriptor_size;
    uint32_t flags; // version 2: bit 0, the runtime code has forward control-flow guards
};
static_assert(sizeof(MemoryAttributesHeader) == 16);

// EFI_MEMORY_DESCRIPTOR attribute bits, UEFI 2.10 section 7.2.3 (GetMemoryMap).
inline constexpr uint64_t efi_memory_uc = 0x1;
inline constexpr uint64_t efi_memory_wc = 0x2;
inline constexpr uint64_t efi_memory_wt = 0x4;
inline constexpr uint64_t efi_memory_wb = 0x8;
inline constexpr uint64_t efi_memory_xp = 0x4000;
inline constexpr uint64_t efi_memory_ro = 0x20000;
inline constexpr uint64_t efi_memory_runtime = 0x8000000000000000;

// More entries than any firmware has runtime regions: a larger count is garbage.
inline constexpr uint32_t max_memory_attribute_entries = 4096;

// The table's entries as a map that count_descriptors and read_descriptor can
// walk. `available` is how many bytes can be read at `table`: the header must
// fit, and so must the entries it announces. A version other than 1 or 2, a
// descriptor smaller than EfiMemoryDescriptor or an absurd count is
// Error::Corrupt; a table too short for its entries Error::InvalidArgument.
Expected<RawMemoryMap> memory_attributes_entries(const uint8_t* table, size_t available);

// How many bytes the table at `table` says it has (header and entries), for a
// caller that must know how much to read; Error::Corrupt as above.
Expected<size_t> memory_attributes_size(const uint8_t* table);

} // namespace rota
