// DmaRegion owns its allocation: it frees it once, on destruction, through the
// allocator it came from, and a move hands the ownership over.

#include <gtest/gtest.h>

#include <utility>

#include "core/mem/dma.h"
#include "virtio_host_support.h"

using rota::DmaRegion;
using virtio_test::HostDmaAllocator;

TEST(DmaRegion, FreesItsMemoryWhenDestroyed)
{
    HostDmaAllocator allocator;
    {
        auto region = allocator.allocate(100, 64);
        ASSERT_TRUE(region.has_value());
        EXPECT_TRUE(region->owns_memory());
        EXPECT_EQ(region->size(), 100u);
        EXPECT_EQ(region->phys().get() % 64, 0u);
        EXPECT_EQ(region->phys(8).get(), region->phys().get() + 8);
        EXPECT_EQ(reinterpret_cast<uintptr_t>(region->bytes(8)), region->phys(8).get());
        EXPECT_EQ(allocator.live(), 1);
    }
    EXPECT_EQ(allocator.live(), 0);
}

TEST(DmaRegion, MovingHandsOverTheOwnership)
{
    HostDmaAllocator allocator;
    DmaRegion outer;
    EXPECT_FALSE(outer.owns_memory());
    {
        DmaRegion inner = allocator.allocate(32, 16).release_value();
        uintptr_t address = inner.phys().get();
        outer = std::move(inner);
        EXPECT_FALSE(inner.owns_memory());
        EXPECT_EQ(inner.size(), 0u);
        EXPECT_EQ(outer.phys().get(), address);
    }
    EXPECT_EQ(allocator.live(), 1); // the moved-from region freed nothing

    DmaRegion constructed(std::move(outer));
    EXPECT_FALSE(outer.owns_memory());
    EXPECT_EQ(allocator.live(), 1);

    constructed = allocator.allocate(48, 16).release_value();
    EXPECT_EQ(allocator.live(), 1); // assigning over a region frees what it held
    EXPECT_EQ(allocator.live_bytes(), 48u);
}

TEST(DmaRegion, KeptMemoryIsNeverFreed)
{
    HostDmaAllocator allocator;
    {
        DmaRegion region = allocator.allocate(4096, 4096).release_value();
        EXPECT_EQ(region.keep_forever(), 4096u);
        EXPECT_FALSE(region.owns_memory());
        EXPECT_EQ(region.keep_forever(), 0u);
    }
    EXPECT_EQ(allocator.live(), 1);
    allocator.reclaim_kept();
    EXPECT_EQ(allocator.live(), 0);
}

TEST(DmaRegion, AFailedAllocationOwnsNothing)
{
    HostDmaAllocator allocator;
    allocator.fail_at = 2;
    auto first = allocator.allocate(16, 16);
    auto second = allocator.allocate(16, 16);
    auto third = allocator.allocate(16, 16);
    EXPECT_TRUE(first.has_value());
    ASSERT_TRUE(second.is_error());
    EXPECT_EQ(second.error(), rota::Error::OutOfMemory);
    EXPECT_TRUE(third.has_value());
    EXPECT_EQ(allocator.live(), 2);
}
