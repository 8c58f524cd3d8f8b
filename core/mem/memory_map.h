#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/lib/addr.h"
#include "core/lib/expected.h"
#include "core/mem/phys_range.h"

// The UEFI memory map as the kernel reads it after ExitBootServices. The types
// are defined here from the UEFI specification 2.10 section 7.2 (GetMemoryMap)
// rather than taken from gnu-efi, whose headers only efi/ may include.

namespace rota {

// EFI_MEMORY_TYPE, UEFI 2.10 section 7.2.1 (AllocatePages).
enum class EfiMemoryType : uint32_t {
    Reserved = 0,
    LoaderCode = 1,
    LoaderData = 2,
    BootServicesCode = 3,
    BootServicesData = 4,
    RuntimeServicesCode = 5,
    RuntimeServicesData = 6,
    Conventional = 7,
    Unusable = 8,
    AcpiReclaim = 9,
    AcpiNvs = 10,
    MemoryMappedIo = 11,
    MemoryMappedIoPortSpace = 12,
    PalCode = 13,
    Persistent = 14,
    Unaccepted = 15,
};

// EFI_MEMORY_DESCRIPTOR, UEFI 2.10 section 7.2.3 (GetMemoryMap). `type` holds an
// EfiMemoryType but stays a plain integer: firmware may report values beyond the
// enumeration (OEM and OS ranges, 0x70000000 and up), which must be read safely.
struct EfiMemoryDescriptor {
    uint32_t type;
    uint32_t padding;
    uint64_t physical_start;
    uint64_t virtual_start;
    uint64_t number_of_pages; // of 4 KiB, whatever the processor's page size
    uint64_t attribute;
};
static_assert(sizeof(EfiMemoryDescriptor) == 40);

// EFI_MEMORY_SP, UEFI 2.10 section 7.2.3: "specific-purpose" memory that the
// firmware wants left to a particular use; not general-purpose RAM.
inline constexpr uint64_t efi_memory_specific_purpose = 0x0000000000040000;

// The map exactly as GetMemoryMap returned it. `descriptor_size` is the
// firmware's stride, which may be larger than sizeof(EfiMemoryDescriptor) (OVMF
// uses 48); the spec requires callers to step by it, never by the struct size.
struct RawMemoryMap {
    const uint8_t* buffer;
    size_t size;
    size_t descriptor_size;
};

// The number of whole descriptors in the map. A stride below 40 bytes or a null
// buffer is Error::InvalidArgument. A partial descriptor at the end (size not a
// multiple of the stride) is ignored: the whole ones before it are still good.
Expected<size_t> count_descriptors(RawMemoryMap map);

// The index-th descriptor, copied out (the buffer need not be aligned).
// `index` must be below count_descriptors(map).
EfiMemoryDescriptor read_descriptor(RawMemoryMap map, size_t index);

struct FreeRange {
    PhysAddr base;
    uint64_t pages;
};

inline constexpr size_t max_free_ranges = 256;

struct UsableMemory {
    std::array<FreeRange, max_free_ranges> ranges; // sorted by base, disjoint, not adjacent
    size_t count;
    uint64_t total_pages;
    size_t dropped; // ranges left out (the smallest) because there were more than max_free_ranges
    size_t rejected; // usable descriptors ignored as malformed (past the physical address limit)
};

struct UsablePolicy {
    // Conventional memory: free from the start.
    bool conventional = true;
    // After ExitBootServices the boot-services code and data are free memory
    // (UEFI 2.10 section 7.4.6, ExitBootServices), once nothing runs on the
    // firmware's page tables, stacks or descriptor tables any more.
    bool reclaim_boot_services = false;
    // Loader data is what this UEFI application (and the firmware on its
    // behalf) allocated: free once the kernel no longer needs it, except for
    // what `keep` lists.
    bool reclaim_loader_data = false;
    // Ranges that stay in use whatever the map says (blocking, like a
    // non-usable descriptor): what the kernel keeps, the framebuffer.
    std::span<const PhysRange> keep {};
    // Nothing below this is handed out: the first MiB holds the AP trampoline
    // and what legacy devices and firmware expect there.
    uint64_t lowest_address = 1024 * 1024;
};

// The free physical memory in `map`, as page-aligned ranges, sorted and merged.
// Usable is the memory of the types the policy names, without the
// specific-purpose attribute. Where a usable and a non-usable descriptor (or a
// kept range) overlap, the non-usable one wins. Error::NotFound when nothing
// usable remains.
Expected<UsableMemory> find_usable_memory(RawMemoryMap map, UsablePolicy policy);

} // namespace rota
