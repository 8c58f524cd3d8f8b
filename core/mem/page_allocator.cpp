#include "core/mem/page_allocator.h"

#include <bit>
#include <limits>

#include "core/lib/assert.h"

namespace rota {

namespace {

constexpr uint64_t bits_per_word = 64;
constexpr uint64_t all_used = ~uint64_t(0);
// Physical page numbers fit in 40 bits (52-bit addresses, 4 KiB pages); a
// range beyond that is not memory.
constexpr uint64_t page_number_limit = (1ull << 52) / page_size;

constexpr uint64_t words_for(uint64_t pages)
{
    return (pages + bits_per_word - 1) / bits_per_word;
}

// Bits [first, first + count) of a word; count may be 64.
constexpr uint64_t bit_mask(uint64_t first, uint64_t count)
{
    uint64_t ones = count >= bits_per_word ? all_used : (uint64_t(1) << count) - 1;
    return ones << first;
}

} // namespace

size_t PageAllocator::bitmap_words_for(std::span<const FreeRange> ranges)
{
    size_t words = 0;
    for (const FreeRange& range : ranges)
        words += words_for(range.pages);
    return words;
}

Expected<PageAllocator> PageAllocator::create(
    std::span<const FreeRange> ranges, std::span<uint64_t> bitmap_storage)
{
    if (ranges.size() > max_free_ranges)
        return make_error(Error::InvalidArgument);

    PageAllocator allocator;
    uint64_t previous_end = 0;
    size_t word = 0;
    for (const FreeRange& free_range : ranges) {
        uint64_t base = free_range.base.get();
        if (base % page_size != 0 || free_range.pages > page_number_limit)
            return make_error(Error::InvalidArgument);
        uint64_t first_page = base / page_size;
        if (first_page < previous_end || first_page > page_number_limit - free_range.pages)
            return make_error(Error::InvalidArgument);
        previous_end = first_page + free_range.pages;
        if (free_range.pages == 0)
            continue;
        allocator.m_ranges[allocator.m_range_count++] = Range {first_page, free_range.pages, word};
        allocator.m_total_pages += free_range.pages;
        word += words_for(free_range.pages);
    }
    if (bitmap_storage.size() < word)
        return make_error(Error::InvalidArgument);

    allocator.m_bitmap = bitmap_storage.first(word);
    for (size_t r = 0; r < allocator.m_range_count; ++r) {
        const Range& range = allocator.m_ranges[r];
        size_t words = words_for(range.pages);
        for (size_t i = 0; i < words; ++i)
            allocator.m_bitmap[range.first_word + i] = 0;
        uint64_t tail = range.pages % bits_per_word;
        if (tail != 0)
            allocator.m_bitmap[range.first_word + words - 1] = bit_mask(tail, bits_per_word - tail);
    }
    allocator.m_free_pages = allocator.m_total_pages;
    return allocator;
}

void PageAllocator::set_bits(const Range& range, uint64_t page, uint64_t count, bool used)
{
    while (count > 0) {
        uint64_t bit = page % bits_per_word;
        uint64_t run = count < bits_per_word - bit ? count : bits_per_word - bit;
        uint64_t& word = m_bitmap[range.first_word + page / bits_per_word];
        uint64_t mask = bit_mask(bit, run);
        word = used ? word | mask : word & ~mask;
        page += run;
        count -= run;
    }
}

uint64_t PageAllocator::find_free(const Range& range, uint64_t page) const
{
    if (page >= range.pages)
        return range.pages;
    size_t index = range.first_word + page / bits_per_word;
    size_t last = range.first_word + (range.pages - 1) / bits_per_word;
    // Pages before `page` in its word count as used.
    uint64_t word = m_bitmap[index] | bit_mask(0, page % bits_per_word);
    for (;;) {
        if (word != all_used) {
            // The padding bits after the range's end are set, so this is inside it.
            return (index - range.first_word) * bits_per_word
                + static_cast<uint64_t>(std::countr_one(word));
        }
        if (++index > last)
            return range.pages;
        word = m_bitmap[index];
    }
}

uint64_t PageAllocator::find_used(const Range& range, uint64_t page, uint64_t end) const
{
    while (page < end) {
        uint64_t bit = page % bits_per_word;
        uint64_t run = end - page < bits_per_word - bit ? end - page : bits_per_word - bit;
        uint64_t used = m_bitmap[range.first_word + page / bits_per_word] & bit_mask(bit, run);
        if (used != 0)
            return page - bit + static_cast<uint64_t>(std::countr_zero(used));
        page += run;
    }
    return end;
}

size_t PageAllocator::range_of(uint64_t page_number) const
{
    // The last range starting at or before page_number.
    size_t low = 0;
    size_t high = m_range_count;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (m_ranges[middle].first_page <= page_number)
            low = middle + 1;
        else
            high = middle;
    }
    if (low == 0)
        return m_range_count;
    const Range& range = m_ranges[low - 1];
    return page_number - range.first_page < range.pages ? low - 1 : m_range_count;
}

Expected<PhysAddr> PageAllocator::allocate(size_t pages, size_t align_pages, PhysAddr limit)
{
    // Not std::has_single_bit: without -mpopcnt it calls libgcc's __popcountdi2.
    bool power_of_two = align_pages != 0 && (align_pages & (align_pages - 1)) == 0;
    if (pages == 0 || !power_of_two)
        return make_error(Error::InvalidArgument);
    if (pages > m_free_pages)
        return make_error(Error::OutOfMemory);
    // The run must end at or below this page number.
    uint64_t limit_page = limit.get() / page_size;

    // While every page seen so far is in use, the hint can move up with the search.
    bool all_used_so_far = true;
    for (size_t r = m_hint.range; r < m_range_count; ++r) {
        const Range& range = m_ranges[r];
        if (range.first_page >= limit_page)
            break;
        uint64_t page = find_free(range, r == m_hint.range ? m_hint.page : 0);
        if (all_used_so_far) {
            m_hint = page < range.pages ? Position {r, page} : Position {r + 1, 0};
            all_used_so_far = page >= range.pages;
        }

        while (page < range.pages) {
            uint64_t page_number = align_up(range.first_page + page, align_pages);
            uint64_t candidate = page_number - range.first_page;
            if (candidate >= range.pages || range.pages - candidate < pages)
                break;
            if (page_number + pages > limit_page)
                break;
            uint64_t used = find_used(range, candidate, candidate + pages);
            if (used == candidate + pages) {
                set_bits(range, candidate, pages, true);
                m_free_pages -= pages;
                if (m_hint.range == r && m_hint.page == candidate)
                    m_hint.page = candidate + pages;
                return PhysAddr(page_number * page_size);
            }
            page = find_free(range, used + 1);
        }
    }
    return make_error(Error::OutOfMemory);
}

void PageAllocator::free(PhysAddr base, size_t pages)
{
    ROTA_ASSERT(base.get() % page_size == 0);
    ROTA_ASSERT(pages > 0);
    size_t r = range_of(base.get() / page_size);
    ROTA_ASSERT(r < m_range_count);
    const Range& range = m_ranges[r];
    uint64_t page = base.get() / page_size - range.first_page;
    ROTA_ASSERT(pages <= range.pages - page);
    // Every page must be in use: anything else is a double free.
    ROTA_ASSERT(find_free(range, page) >= page + pages);

    set_bits(range, page, pages, false);
    m_free_pages += pages;
    if (r < m_hint.range || (r == m_hint.range && page < m_hint.page))
        m_hint = Position {r, page};
}

void PageAllocator::reserve(PhysAddr base, size_t pages)
{
    ROTA_ASSERT(base.get() % page_size == 0);
    uint64_t first = base.get() / page_size;
    uint64_t end = pages > std::numeric_limits<uint64_t>::max() - first
        ? std::numeric_limits<uint64_t>::max()
        : first + pages;
    for (size_t r = 0; r < m_range_count; ++r) {
        const Range& range = m_ranges[r];
        uint64_t range_end = range.first_page + range.pages;
        uint64_t from = first > range.first_page ? first : range.first_page;
        uint64_t to = end < range_end ? end : range_end;
        if (from >= to)
            continue;
        // Only the free pages in the overlap change, and only they are counted.
        uint64_t stop = to - range.first_page;
        for (uint64_t page = find_free(range, from - range.first_page); page < stop;) {
            uint64_t free_end = find_used(range, page, stop);
            set_bits(range, page, free_end - page, true);
            m_free_pages -= free_end - page;
            page = find_free(range, free_end);
        }
    }
}

} // namespace rota
