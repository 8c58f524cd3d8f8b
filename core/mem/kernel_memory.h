#pragma once

#include <cstddef>
#include <cstdint>

#include "core/boot_info.h"
#include "core/lib/expected.h"

// The kernel's memory, built from the final UEFI memory map: the physical page
// allocator (behind a lock) and the heap that operator new uses.

namespace rota {

struct MemoryStats {
    uint64_t usable_pages;
    uint64_t free_pages;
    size_t descriptors;
    size_t free_ranges; // conventional memory's ranges, at boot
    uint64_t bitmap_pages;
    uint64_t reclaimed_pages; // given back by memory_finish_boot
};

// Builds the page allocator and heap from the conventional memory. Panics if
// the map is unusable: without memory there is nothing to fall back to.
MemoryStats memory_init(const BootInfo& info);

// Gives the allocator the loader data efi/ did not keep, and the firmware's
// boot-services code and data once `boot_services_done` (the kernel runs on
// its own page tables, stacks and descriptor tables: UEFI 2.10, 7.4.6), and
// prints the "[mem] usable_mib=... reclaimed_kib=..." line. Boot CPU, once,
// before the application processors start.
MemoryStats memory_finish_boot(bool boot_services_done);

// Contiguous, page-aligned physical pages (identity mapped), below `limit`.
Expected<PhysAddr> allocate_pages(
    size_t pages, size_t align_pages = 1, PhysAddr limit = PhysAddr(UINT64_MAX));
void free_pages(PhysAddr base, size_t pages);

MemoryStats memory_stats();

} // namespace rota
