#include "core/mem/page_allocator.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <vector>

using rota::FreeRange;
using rota::PageAllocator;
using rota::PhysAddr;

namespace {

constexpr uint64_t page = 4096;
constexpr uint64_t MiB = 1024 * 1024;
constexpr uint64_t GiB = 1024 * MiB;

// An allocator together with the vector that holds its bitmap.
struct Fixture {
    explicit Fixture(std::vector<FreeRange> free_ranges)
        : ranges(std::move(free_ranges))
        , bitmap(PageAllocator::bitmap_words_for(ranges), 0xa5a5a5a5a5a5a5a5)
    {
        auto created = PageAllocator::create(ranges, bitmap);
        EXPECT_TRUE(created.has_value());
        if (created.has_value())
            allocator = created.release_value();
    }

    std::vector<FreeRange> ranges;
    std::vector<uint64_t> bitmap;
    PageAllocator allocator;
};

bool inside_ranges(const std::vector<FreeRange>& ranges, uint64_t base, uint64_t pages)
{
    for (const FreeRange& range : ranges) {
        if (base >= range.base.get()
            && base + pages * page <= range.base.get() + range.pages * page)
            return true;
    }
    return false;
}

} // namespace

TEST(PageAllocator, BitmapWordsCoverEachRangeSeparately)
{
    std::vector<FreeRange> ranges
        = {{PhysAddr(MiB), 1}, {PhysAddr(4 * MiB), 64}, {PhysAddr(4 * GiB), 65}};
    EXPECT_EQ(PageAllocator::bitmap_words_for(ranges), 1u + 1u + 2u);
    EXPECT_EQ(PageAllocator::bitmap_words_for({}), 0u);
}

TEST(PageAllocator, HolesCostNothing)
{
    // 256 MiB below a 3 GiB hole and 1 GiB above 4 GiB: the bitmap is sized for
    // the memory, not for the 5 GiB address span.
    std::vector<FreeRange> ranges
        = {{PhysAddr(MiB), 256 * MiB / page}, {PhysAddr(4 * GiB), GiB / page}};
    EXPECT_EQ(PageAllocator::bitmap_words_for(ranges), (256 * MiB / page + GiB / page) / 64);
}

TEST(PageAllocator, CreateRejectsBadRanges)
{
    std::vector<uint64_t> storage(1024);
    auto expect_invalid = [&](std::vector<FreeRange> ranges) {
        auto created = PageAllocator::create(ranges, storage);
        ASSERT_TRUE(created.is_error());
        EXPECT_EQ(created.error(), rota::Error::InvalidArgument);
    };
    expect_invalid({{PhysAddr(MiB + 1), 4}}); // unaligned
    expect_invalid({{PhysAddr(2 * MiB), 4}, {PhysAddr(MiB), 4}}); // unsorted
    expect_invalid({{PhysAddr(MiB), 4}, {PhysAddr(MiB + 3 * page), 4}}); // overlapping
    expect_invalid({{PhysAddr(MiB), UINT64_MAX / 2}}); // absurd size
    expect_invalid({{PhysAddr(0xfffffffffffff000), 2}}); // wraps around
    expect_invalid({{PhysAddr(MiB), 64 * 1025}}); // storage too small

    std::vector<FreeRange> too_many;
    for (uint64_t i = 0; i < rota::max_free_ranges + 1; ++i)
        too_many.push_back({PhysAddr(MiB + 2 * i * page), 1});
    expect_invalid(too_many);
}

TEST(PageAllocator, AdjacentRangesAndEmptyRangesAreAccepted)
{
    Fixture f({{PhysAddr(MiB), 3}, {PhysAddr(MiB + 3 * page), 0}, {PhysAddr(MiB + 3 * page), 2}});
    EXPECT_EQ(f.allocator.total_pages(), 5u);
    EXPECT_EQ(f.allocator.free_pages(), 5u);
}

TEST(PageAllocator, EmptyAllocatorFails)
{
    PageAllocator allocator;
    EXPECT_EQ(allocator.total_pages(), 0u);
    EXPECT_EQ(allocator.free_pages(), 0u);
    auto result = allocator.allocate(1);
    ASSERT_TRUE(result.is_error());
    EXPECT_EQ(result.error(), rota::Error::OutOfMemory);
}

TEST(PageAllocator, BadArguments)
{
    Fixture f({{PhysAddr(MiB), 100}});
    EXPECT_EQ(f.allocator.allocate(0).error(), rota::Error::InvalidArgument);
    EXPECT_EQ(f.allocator.allocate(1, 0).error(), rota::Error::InvalidArgument);
    EXPECT_EQ(f.allocator.allocate(1, 3).error(), rota::Error::InvalidArgument);
    EXPECT_EQ(f.allocator.free_pages(), 100u);
}

TEST(PageAllocator, SinglePagesUntilExhaustedThenOutOfMemory)
{
    // 65 and 130 pages: the bits past each range's end must never be handed out.
    Fixture f({{PhysAddr(MiB), 65}, {PhysAddr(16 * MiB), 130}});
    EXPECT_EQ(f.allocator.total_pages(), 195u);
    std::vector<uint64_t> seen;
    for (int i = 0; i < 195; ++i) {
        auto result = f.allocator.allocate(1);
        ASSERT_TRUE(result.has_value()) << i;
        seen.push_back(result->get());
        EXPECT_TRUE(inside_ranges(f.ranges, result->get(), 1)) << std::hex << result->get();
        EXPECT_EQ(f.allocator.free_pages(), 195u - i - 1);
    }
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end());
    // Lowest first.
    EXPECT_EQ(seen.front(), MiB);
    EXPECT_EQ(seen.back(), 16 * MiB + 129 * page);

    auto result = f.allocator.allocate(1);
    ASSERT_TRUE(result.is_error());
    EXPECT_EQ(result.error(), rota::Error::OutOfMemory);
    EXPECT_EQ(f.allocator.free_pages(), 0u);
}

TEST(PageAllocator, ContiguousRunsNeverSpanRanges)
{
    // Two ranges back to back in the bitmap with a hole between them.
    Fixture f({{PhysAddr(MiB), 10}, {PhysAddr(8 * MiB), 10}});
    EXPECT_EQ(f.allocator.allocate(11).error(), rota::Error::OutOfMemory);
    ASSERT_EQ(f.allocator.allocate(6)->get(), MiB);
    // Only 4 left in the first range: the next 6 come from the second.
    ASSERT_EQ(f.allocator.allocate(6)->get(), 8 * MiB);
    ASSERT_EQ(f.allocator.allocate(4)->get(), MiB + 6 * page);
    EXPECT_EQ(f.allocator.allocate(5).error(), rota::Error::OutOfMemory);
    ASSERT_EQ(f.allocator.allocate(4)->get(), 8 * MiB + 6 * page);
    EXPECT_EQ(f.allocator.free_pages(), 0u);
}

TEST(PageAllocator, AlignmentIsPhysical)
{
    // The range starts 3 pages past a 64 KiB boundary: aligned runs are aligned
    // in physical addresses, not in bitmap positions.
    Fixture f({{PhysAddr(MiB + 3 * page), 200}});
    auto a = f.allocator.allocate(1, 16);
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a->get(), MiB + 16 * page);
    auto b = f.allocator.allocate(3);
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(b->get(), MiB + 3 * page);
    auto c = f.allocator.allocate(20, 32);
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c->get() % (32 * page), 0u);
    EXPECT_EQ(c->get(), MiB + 32 * page);
    auto d = f.allocator.allocate(2, 2);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->get(), MiB + 6 * page);
    EXPECT_EQ(f.allocator.free_pages(), 200u - 1 - 3 - 20 - 2);

    // 2 MiB alignment exceeds what the range can offer.
    EXPECT_EQ(f.allocator.allocate(1, 512).error(), rota::Error::OutOfMemory);
    // A huge alignment must not overflow.
    EXPECT_EQ(f.allocator.allocate(1, size_t(1) << 63).error(), rota::Error::OutOfMemory);
}

TEST(PageAllocator, LimitKeepsTheWholeRunBelowIt)
{
    Fixture f({{PhysAddr(4 * GiB - 8 * page), 8}, {PhysAddr(4 * GiB), 1000}});
    auto below = f.allocator.allocate(3, 1, PhysAddr(4 * GiB));
    ASSERT_TRUE(below.has_value());
    EXPECT_EQ(below->get(), 4 * GiB - 8 * page);
    // 5 pages remain below 4 GiB; a run of 6 would cross the limit.
    EXPECT_EQ(f.allocator.allocate(6, 1, PhysAddr(4 * GiB)).error(), rota::Error::OutOfMemory);
    // Ending exactly at the limit is allowed.
    auto last = f.allocator.allocate(5, 1, PhysAddr(4 * GiB));
    ASSERT_TRUE(last.has_value());
    EXPECT_EQ(last->get(), 4 * GiB - 5 * page);
    EXPECT_EQ(f.allocator.allocate(1, 1, PhysAddr(4 * GiB)).error(), rota::Error::OutOfMemory);
    // Without the limit there is plenty.
    auto above = f.allocator.allocate(6);
    ASSERT_TRUE(above.has_value());
    EXPECT_EQ(above->get(), 4 * GiB);
    // A limit inside a page rounds down.
    EXPECT_EQ(f.allocator.allocate(1, 1, PhysAddr(4 * GiB + 6 * page + 4095)).error(),
        rota::Error::OutOfMemory);
    EXPECT_EQ(f.allocator.allocate(1, 1, PhysAddr(4 * GiB + 7 * page))->get(), 4 * GiB + 6 * page);
}

TEST(PageAllocator, FreeAndReuseLowestFirst)
{
    Fixture f({{PhysAddr(MiB), 256}});
    std::vector<uint64_t> pages;
    for (int i = 0; i < 256; ++i)
        pages.push_back(f.allocator.allocate(1)->get());
    f.allocator.free(PhysAddr(pages[200]), 1);
    f.allocator.free(PhysAddr(pages[7]), 1);
    EXPECT_EQ(f.allocator.free_pages(), 2u);
    EXPECT_EQ(f.allocator.allocate(1)->get(), pages[7]);
    EXPECT_EQ(f.allocator.allocate(1)->get(), pages[200]);
    EXPECT_EQ(f.allocator.free_pages(), 0u);

    f.allocator.free(PhysAddr(MiB + 64 * page), 64);
    EXPECT_EQ(f.allocator.free_pages(), 64u);
    EXPECT_EQ(f.allocator.allocate(64)->get(), MiB + 64 * page);
}

TEST(PageAllocator, LargeRunAmongFragments)
{
    Fixture f({{PhysAddr(GiB), GiB / page}});
    // Leave every 100th of the first 5000 pages allocated: the gaps hold 99
    // pages, so a run of 150 starts in the last gap and runs past it.
    std::vector<uint64_t> all;
    for (int i = 0; i < 5000; ++i)
        all.push_back(f.allocator.allocate(1)->get());
    for (int i = 0; i < 5000; ++i) {
        if (i % 100 != 0)
            f.allocator.free(PhysAddr(all[i]), 1);
    }
    auto run = f.allocator.allocate(150);
    ASSERT_TRUE(run.has_value());
    EXPECT_EQ(run->get(), GiB + 4901 * page);
    auto small = f.allocator.allocate(99);
    ASSERT_TRUE(small.has_value());
    EXPECT_EQ(small->get(), GiB + page);
    auto unaligned_fit = f.allocator.allocate(64, 64);
    ASSERT_TRUE(unaligned_fit.has_value());
    EXPECT_EQ(unaligned_fit->get() % (64 * page), 0u);
}

TEST(PageAllocator, ReserveMarksOnlyFreePagesInsideTheRanges)
{
    Fixture f({{PhysAddr(MiB), 100}, {PhysAddr(2 * MiB), 100}});
    auto first = f.allocator.allocate(1);
    ASSERT_EQ(first->get(), MiB);
    // From below the first range, across the hole, into the second: the 99
    // free pages of the first and 10 of the second; the allocated page and the
    // hole do not count.
    f.allocator.reserve(
        PhysAddr(MiB - 10 * page), 10 + 100 + (2 * MiB - MiB - 100 * page) / page + 10);
    EXPECT_EQ(f.allocator.free_pages(), 90u);
    // Reserving again changes nothing.
    f.allocator.reserve(PhysAddr(MiB), 100);
    EXPECT_EQ(f.allocator.free_pages(), 90u);
    // Entirely outside: nothing.
    f.allocator.reserve(PhysAddr(0), 256);
    f.allocator.reserve(PhysAddr(64 * GiB), UINT64_MAX);
    EXPECT_EQ(f.allocator.free_pages(), 90u);

    auto next = f.allocator.allocate(1);
    ASSERT_TRUE(next.has_value());
    EXPECT_EQ(next->get(), 2 * MiB + 10 * page);
    // Reserved pages can be freed like allocated ones.
    f.allocator.free(PhysAddr(MiB + 50 * page), 10);
    EXPECT_EQ(f.allocator.allocate(10)->get(), MiB + 50 * page);

    // Reserve up to the end of the address space without overflowing.
    f.allocator.reserve(PhysAddr(2 * MiB), UINT64_MAX);
    EXPECT_EQ(f.allocator.free_pages(), 0u);
}

TEST(PageAllocator, ReserveBeforeAllocating)
{
    // The kernel's pattern: the bitmap lives at the start of the first range.
    Fixture f({{PhysAddr(MiB), 300}});
    f.allocator.reserve(PhysAddr(MiB), 5);
    EXPECT_EQ(f.allocator.free_pages(), 295u);
    EXPECT_EQ(f.allocator.allocate(1)->get(), MiB + 5 * page);
}

TEST(PageAllocator, RandomisedAllocationsNeverOverlap)
{
    std::vector<FreeRange> ranges = {
        {PhysAddr(MiB), 1000},
        {PhysAddr(8 * MiB + 5 * page), 333},
        {PhysAddr(3 * GiB), 64},
        {PhysAddr(4 * GiB), 4097},
        {PhysAddr(64 * GiB), 1},
    };
    Fixture f(ranges);
    uint64_t total = 1000 + 333 + 64 + 4097 + 1;
    ASSERT_EQ(f.allocator.total_pages(), total);

    std::mt19937_64 random(2024);
    std::map<uint64_t, uint64_t> live; // base -> pages
    uint64_t live_pages = 0;
    auto overlaps = [&](uint64_t base, uint64_t pages) {
        auto next = live.lower_bound(base);
        if (next != live.end() && next->first < base + pages * page)
            return true;
        if (next != live.begin()) {
            auto previous = std::prev(next);
            if (previous->first + previous->second * page > base)
                return true;
        }
        return false;
    };

    for (int step = 0; step < 20000; ++step) {
        bool do_free = !live.empty() && (random() % 100 < 45 || live_pages > total * 9 / 10);
        if (do_free) {
            auto it = live.begin();
            std::advance(it, static_cast<long>(random() % live.size()));
            f.allocator.free(PhysAddr(it->first), it->second);
            live_pages -= it->second;
            live.erase(it);
        } else {
            uint64_t pages = 1 + random() % (random() % 8 == 0 ? 200 : 8);
            uint64_t align = uint64_t(1) << (random() % 6);
            PhysAddr limit = random() % 4 == 0 ? PhysAddr(4 * GiB) : PhysAddr(UINT64_MAX);
            auto result = f.allocator.allocate(pages, align, limit);
            if (result.is_error()) {
                EXPECT_EQ(result.error(), rota::Error::OutOfMemory);
            } else {
                uint64_t base = result->get();
                ASSERT_EQ(base % (align * page), 0u);
                ASSERT_LE(base + pages * page, limit.get());
                ASSERT_TRUE(inside_ranges(ranges, base, pages)) << std::hex << base;
                ASSERT_FALSE(overlaps(base, pages)) << std::hex << base;
                live[base] = pages;
                live_pages += pages;
            }
        }
        ASSERT_EQ(f.allocator.free_pages(), total - live_pages) << "step " << step;
    }

    for (auto [base, pages] : live)
        f.allocator.free(PhysAddr(base), pages);
    EXPECT_EQ(f.allocator.free_pages(), total);
    // Everything is back: each range can be taken whole again.
    for (const FreeRange& range : ranges)
        EXPECT_TRUE(f.allocator.allocate(range.pages).has_value()) << range.pages;
    EXPECT_EQ(f.allocator.free_pages(), 0u);
}

TEST(PageAllocatorDeathTest, DoubleFree)
{
    Fixture f({{PhysAddr(MiB), 100}});
    auto a = f.allocator.allocate(4);
    ASSERT_TRUE(a.has_value());
    f.allocator.free(*a, 4);
    EXPECT_DEATH(f.allocator.free(*a, 4), "ASSERTION FAILED");
    // Partly free is just as wrong.
    auto b = f.allocator.allocate(2);
    EXPECT_DEATH(f.allocator.free(*b, 3), "ASSERTION FAILED");
}

TEST(PageAllocatorDeathTest, FreeOutsideTheRanges)
{
    Fixture f({{PhysAddr(MiB), 100}, {PhysAddr(4 * MiB), 10}});
    auto a = f.allocator.allocate(100);
    ASSERT_TRUE(a.has_value());
    EXPECT_DEATH(f.allocator.free(PhysAddr(MiB - page), 1), "ASSERTION FAILED");
    EXPECT_DEATH(f.allocator.free(PhysAddr(2 * MiB), 1), "ASSERTION FAILED");
    EXPECT_DEATH(f.allocator.free(PhysAddr(MiB + 99 * page), 2), "ASSERTION FAILED");
    EXPECT_DEATH(f.allocator.free(PhysAddr(MiB + 1), 1), "ASSERTION FAILED");
    EXPECT_DEATH(f.allocator.free(PhysAddr(MiB), 0), "ASSERTION FAILED");
}
