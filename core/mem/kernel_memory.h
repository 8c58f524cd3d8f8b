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
    size_t free_ranges;
};

// Builds the page allocator and heap and prints the "[mem]" line. Panics if the
// map is unusable: without memory there is nothing to fall back to.
MemoryStats memory_init(const BootInfo& info);

// Contiguous, page-aligned physical pages (identity mapped), below `limit`.
Expected<PhysAddr> allocate_pages(
    size_t pages, size_t align_pages = 1, PhysAddr limit = PhysAddr(UINT64_MAX));
void free_pages(PhysAddr base, size_t pages);

MemoryStats memory_stats();

} // namespace rota
