// Device vectors handed out per CPU: single vectors for MSI-X and INTx,
// aligned blocks for multi-message MSI, and nothing outside the device range.

#include <gtest/gtest.h>

#include <set>

#include "core/cpu/vector_allocator.h"

using rota::Error;
using rota::VectorAllocator;
namespace vector = rota::vector;

TEST(VectorAllocator, HandsOutEveryDeviceVectorOnceThenIsBusy)
{
    VectorAllocator allocator;
    std::set<unsigned> seen;
    for (unsigned i = 0; i < vector::device_count; ++i) {
        auto v = allocator.allocate(0);
        ASSERT_TRUE(v.has_value()) << i;
        EXPECT_GE(*v, vector::first_device);
        EXPECT_LE(*v, vector::last_device);
        EXPECT_TRUE(seen.insert(*v).second) << "vector " << int(*v) << " twice";
    }
    EXPECT_EQ(seen.size(), 176u);
    auto none = allocator.allocate(0);
    ASSERT_TRUE(none.is_error());
    EXPECT_EQ(none.error(), Error::Busy);
    EXPECT_EQ(allocator.allocated(0), 176u);
}

TEST(VectorAllocator, EachCpuHasItsOwnVectors)
{
    VectorAllocator allocator;
    auto a = allocator.allocate(0);
    auto b = allocator.allocate(1);
    ASSERT_TRUE(a.has_value() && b.has_value());
    EXPECT_EQ(*a, *b) << "the same number is a different interrupt on another CPU";
    EXPECT_TRUE(allocator.is_allocated(0, *a));
    EXPECT_TRUE(allocator.is_allocated(1, *b));
    EXPECT_FALSE(allocator.is_allocated(2, *a));
    allocator.free(0, *a);
    EXPECT_FALSE(allocator.is_allocated(0, *a));
    EXPECT_TRUE(allocator.is_allocated(1, *b));
}

TEST(VectorAllocator, FreedVectorsAreReused)
{
    VectorAllocator allocator;
    auto first = allocator.allocate(3);
    auto second = allocator.allocate(3);
    ASSERT_TRUE(first.has_value() && second.has_value());
    allocator.free(3, *first);
    auto again = allocator.allocate(3);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(*again, *first);
    EXPECT_EQ(allocator.allocated(3), 2u);
}

TEST(VectorAllocator, MsiBlocksAreAlignedInVectorNumbers)
{
    VectorAllocator allocator;
    ASSERT_TRUE(allocator.allocate(0).has_value()); // 0x30 taken: the 4-block moves on
    auto block = allocator.allocate(0, 4);
    ASSERT_TRUE(block.has_value());
    EXPECT_EQ(*block % 4, 0);
    EXPECT_EQ(*block, 0x34);
    for (unsigned v = *block; v < *block + 4u; ++v)
        EXPECT_TRUE(allocator.is_allocated(0, uint8_t(v)));
    auto big = allocator.allocate(0, 32);
    ASSERT_TRUE(big.has_value());
    EXPECT_EQ(*big % 32, 0);
    EXPECT_GE(*big, 0x40);
    allocator.free(0, *block, 4);
    EXPECT_FALSE(allocator.is_allocated(0, 0x35));
}

TEST(VectorAllocator, RefusesWhatIsNotABlockOrNotACpu)
{
    VectorAllocator allocator;
    EXPECT_EQ(allocator.allocate(0, 3).error(), Error::InvalidArgument);
    EXPECT_EQ(allocator.allocate(0, 0).error(), Error::InvalidArgument);
    EXPECT_EQ(allocator.allocate(0, 64).error(), Error::InvalidArgument);
    EXPECT_EQ(allocator.allocate(rota::max_interrupt_cpus).error(), Error::InvalidArgument);
    EXPECT_FALSE(allocator.is_allocated(0, 0x20)) << "below the device range";
    EXPECT_FALSE(allocator.is_allocated(0, vector::timer));
}
