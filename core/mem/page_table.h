#pragma once

#include <cstdint>
#include <optional>

#include "core/lib/addr.h"
#include "core/lib/expected.h"
#include "core/mem/page_attributes.h"

// A 4-level x86-64 page table (Intel SDM vol. 3A, 4.5), built and edited
// through an injected PageTableMemory, so the same code fills the kernel's
// tables (identity-mapped pages from the page allocator) and, in host tests,
// tables in ordinary memory at made-up physical addresses. Mappings use the
// largest page that fits: 1 GiB where the CPU has such pages, 2 MiB, 4 KiB.
// Only the lower half of the address space (below 128 TiB) is used: rota maps
// physical memory at its own address and nothing else.
//
// Not thread-safe. Changing a live table is the caller's business: this class
// writes entries and never touches a TLB.

namespace rota {

class PageTableMemory {
public:
    // A zeroed 4 KiB table, page-aligned; Error::OutOfMemory when there is none.
    virtual Expected<PhysAddr> allocate_table() = 0;
    // Takes back a table that no entry points to any more.
    virtual void free_table(PhysAddr table) = 0;
    // The 512 entries of the table at `table`, for reading and writing.
    virtual uint64_t* entries(PhysAddr table) = 0;

protected:
    ~PageTableMemory() = default;
};

struct PagingFeatures {
    bool gigabyte_pages {false}; // CPUID.80000001H:EDX.Page1GB[bit 26]
};

// What happens to pages of a new mapping that are already mapped.
enum class Overlap {
    Replace, // the new mapping wins; larger pages straddling its edges are split
    KeepExisting, // those pages keep their mapping: only the holes are filled
};

struct Translation {
    PhysAddr phys;
    PageAttributes attributes;
    uint64_t page_bytes; // the size of the page that maps the address
};

struct PageTableStats {
    uint64_t tables {0}; // the root included
    uint64_t pages_4k {0};
    uint64_t pages_2m {0};
    uint64_t pages_1g {0};
};

class PageTable {
public:
    // Addresses at or above this are not mapped (they would be in the upper,
    // sign-extended half).
    static constexpr uint64_t address_limit = 1ull << 47;

    static Expected<PageTable> create(PageTableMemory& memory, PagingFeatures features);

    // The PML4's physical address, for CR3.
    PhysAddr root() const { return m_root; }

    // Maps [virt, virt + bytes) to [phys, phys + bytes). Addresses and length
    // must be page-aligned, the length non-zero and the range below
    // address_limit (and 2^52 physically): else Error::InvalidArgument.
    // Error::OutOfMemory when a table cannot be allocated; the range may then be
    // partly mapped, but every entry stays valid.
    Expected<void> map(VirtAddr virt, PhysAddr phys, uint64_t bytes, PageAttributes attributes,
        Overlap overlap = Overlap::Replace);

    // Removes every mapping in [virt, virt + bytes), splitting larger pages that
    // straddle its edges; alignment as for map(). Unmapping nothing is fine.
    Expected<void> unmap(VirtAddr virt, uint64_t bytes);

    // The mapping of `virt`, or nothing when it is not mapped.
    std::optional<Translation> translate(VirtAddr virt) const;

    PageTableStats stats() const;

    // Gives every table back to the PageTableMemory, for a table that will
    // never be loaded after all; the object must not be used afterwards.
    void release_all() { release(m_root, 4); }

private:
    // One map or unmap: `attributes` empty means unmap.
    struct Change {
        uint64_t virt_start;
        uint64_t phys_start;
        std::optional<PageAttributes> attributes;
        Overlap overlap;

        uint64_t phys_for(uint64_t virt) const { return phys_start + (virt - virt_start); }
    };

    PageTable(PageTableMemory& memory, PhysAddr root, PagingFeatures features)
        : m_memory(&memory)
        , m_root(root)
        , m_features(features)
    {
    }

    Expected<void> apply(PhysAddr table, int level, uint64_t start, uint64_t end, const Change&);
    // A new table at `level` - 1 mapping exactly what the leaf `entry` maps.
    Expected<PhysAddr> split(uint64_t entry, int level);
    void release(PhysAddr table, int level);
    bool can_map_leaf(int level, uint64_t phys) const;
    void count(PhysAddr table, int level, PageTableStats& stats) const;

    PageTableMemory* m_memory;
    PhysAddr m_root;
    PagingFeatures m_features;
};

} // namespace rota
