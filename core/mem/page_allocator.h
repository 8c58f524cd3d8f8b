#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/lib/addr.h"
#include "core/lib/expected.h"
#include "core/mem/memory_map.h"

// The physical page allocator: one bit per 4 KiB page of the free ranges (set =
// in use), with the bitmap's storage supplied by the caller. The kernel carves
// that storage out of the free memory itself and then reserve()s it; host tests
// pass a vector. The bitmap covers only the ranges, not the holes between them,
// so memory above a 3 GiB PCI hole costs nothing for the hole.
//
// Not thread-safe: the kernel wraps it in a lock.

namespace rota {

class PageAllocator {
public:
    // An allocator with no memory: every allocation fails. Lets the kernel keep a
    // constinit global that create() later replaces.
    constexpr PageAllocator() = default;

    // The number of 64-bit bitmap words create() needs for `ranges`.
    static size_t bitmap_words_for(std::span<const FreeRange> ranges);

    // `ranges` must be page-aligned, sorted by address and disjoint (as
    // find_usable_memory returns them), at most max_free_ranges of them; else
    // Error::InvalidArgument, as for storage smaller than bitmap_words_for().
    // All pages start free.
    static Expected<PageAllocator> create(
        std::span<const FreeRange> ranges, std::span<uint64_t> bitmap_storage);

    // `pages` contiguous pages whose address is a multiple of `align_pages`
    // pages (a power of two) and which lie entirely below `limit` (for DMA below
    // 4 GiB and the like). The lowest such run is chosen. Error::OutOfMemory
    // when there is none, Error::InvalidArgument for zero pages or a bad
    // alignment.
    Expected<PhysAddr> allocate(
        size_t pages, size_t align_pages = 1, PhysAddr limit = PhysAddr(UINT64_MAX));

    // Returns pages from allocate() or reserve(). Freeing a page that is not in
    // use, or that lies outside the ranges, is a bug and asserts.
    void free(PhysAddr base, size_t pages);

    // Marks pages as in use (the bitmap's own storage, say). Pages outside the
    // ranges are not the allocator's and are skipped; pages already in use stay so.
    void reserve(PhysAddr base, size_t pages);

    uint64_t free_pages() const { return m_free_pages; }
    uint64_t total_pages() const { return m_total_pages; }

private:
    // A free range and where its bits start. Each range starts on a word
    // boundary of the bitmap, and the bits past its end in its last word are
    // kept set, so a word scan never has to check range ends inside a word.
    struct Range {
        uint64_t first_page; // physical page number
        uint64_t pages;
        size_t first_word;
    };

    // A position in the bitmap: a range and a page within it.
    struct Position {
        size_t range;
        uint64_t page;
    };

    void set_bits(const Range& range, uint64_t page, uint64_t count, bool used);
    // The first free page at or after `page` in `range`, or range.pages.
    uint64_t find_free(const Range& range, uint64_t page) const;
    // The first used page in [page, end) of `range`, or `end`.
    uint64_t find_used(const Range& range, uint64_t page, uint64_t end) const;
    // The index of the range holding physical page `page_number`, or m_range_count.
    size_t range_of(uint64_t page_number) const;

    std::array<Range, max_free_ranges> m_ranges {};
    size_t m_range_count {0};
    std::span<uint64_t> m_bitmap;
    uint64_t m_total_pages {0};
    uint64_t m_free_pages {0};
    // Every page before this position is in use: searches start here.
    Position m_hint {0, 0};
};

} // namespace rota
