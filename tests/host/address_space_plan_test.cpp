#include "core/mem/address_space_plan.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

using rota::Access;
using rota::AddressSpacePlan;
using rota::Error;
using rota::MemoryType;
using rota::PageAttributes;
using rota::PlannedRun;
using rota::RegionSource;

namespace {

constexpr PageAttributes rw {Access::ReadWrite, MemoryType::WriteBack};
constexpr PageAttributes rx {Access::ReadExecute, MemoryType::WriteBack};
constexpr PageAttributes uc {Access::ReadWrite, MemoryType::Uncached};

struct FlatRun {
    uint64_t start, end;
    PageAttributes attributes;
    bool operator==(const FlatRun&) const = default;
};

std::ostream& operator<<(std::ostream& out, const FlatRun& run)
{
    return out << "{0x" << std::hex << run.start << "-0x" << run.end << std::dec << " "
               << rota::access_name(run.attributes.access) << " "
               << rota::memory_type_name(run.attributes.type) << "}";
}

std::vector<FlatRun> flat(const AddressSpacePlan& plan)
{
    auto out = std::make_unique<AddressSpacePlan::Flat>();
    plan.flatten(*out);
    std::vector<FlatRun> runs;
    for (const PlannedRun& run : out->view())
        runs.push_back({run.start, run.end, run.attributes});
    return runs;
}

TEST(AddressSpacePlan, LaterLayersWinAndNeighboursWithEqualAttributesMerge)
{
    auto plan = std::make_unique<AddressSpacePlan>();
    ASSERT_TRUE(plan->map(0x0000, 0x8000, rw, RegionSource::Ram));
    ASSERT_TRUE(plan->map(0x8000, 0x10000, rw, RegionSource::Ram)); // adjacent: merges
    ASSERT_TRUE(plan->map(0x3000, 0x5000, rx, RegionSource::KernelText));
    ASSERT_TRUE(plan->unmap(0x0000, 0x1000, RegionSource::NullPage));
    ASSERT_TRUE(plan->unmap(0x2000, 0x3000, RegionSource::StackGuard));
    ASSERT_TRUE(plan->map(0x20000, 0x22000, uc, RegionSource::Device)); // after a gap

    std::vector<FlatRun> expected = {
        {0x1000, 0x2000, rw},
        {0x3000, 0x5000, rx},
        {0x5000, 0x10000, rw},
        {0x20000, 0x22000, uc},
    };
    EXPECT_EQ(flat(*plan), expected);
}

TEST(AddressSpacePlan, AnEarlierLayerShowsWhereALaterOneDoesNotReach)
{
    auto plan = std::make_unique<AddressSpacePlan>();
    ASSERT_TRUE(plan->map(0x10000, 0x20000, uc, RegionSource::Device));
    ASSERT_TRUE(plan->map(0x18000, 0x30000, rw, RegionSource::Ram));
    std::vector<FlatRun> expected = {{0x10000, 0x18000, uc}, {0x18000, 0x30000, rw}};
    EXPECT_EQ(flat(*plan), expected);
    EXPECT_EQ(plan->layer_at(0x17fff)->source, RegionSource::Device);
    EXPECT_EQ(plan->layer_at(0x18000)->source, RegionSource::Ram);
    EXPECT_EQ(plan->layer_at(0x30000), nullptr);
}

TEST(AddressSpacePlan, WidensLayersToWholePages)
{
    auto plan = std::make_unique<AddressSpacePlan>();
    // A framebuffer that ends inside a page still maps that page.
    ASSERT_TRUE(plan->map(0xc0000010, 0xc03e8004, uc, RegionSource::Framebuffer));
    std::vector<FlatRun> expected = {{0xc0000000, 0xc03e9000, uc}};
    EXPECT_EQ(flat(*plan), expected);
}

TEST(AddressSpacePlan, RefusesEmptyLayersAndSaysWhenItIsFull)
{
    auto plan = std::make_unique<AddressSpacePlan>();
    EXPECT_EQ(plan->map(0x2000, 0x2000, rw, RegionSource::Ram).error(), Error::InvalidArgument);
    EXPECT_EQ(plan->map(0x3000, 0x2000, rw, RegionSource::Ram).error(), Error::InvalidArgument);
    for (size_t i = 0; i < AddressSpacePlan::max_layers; ++i)
        ASSERT_TRUE(plan->map(i * 0x2000, i * 0x2000 + 0x1000, i % 2 ? rw : rx, RegionSource::Ram));
    EXPECT_EQ(plan->map(0, 0x1000, rw, RegionSource::Ram).error(), Error::OutOfMemory);
    // Every layer is its own run: they are not adjacent.
    EXPECT_EQ(flat(*plan).size(), AddressSpacePlan::max_layers);
}

TEST(AddressSpacePlan, AWrappingEndIsClampedNotWrapped)
{
    auto plan = std::make_unique<AddressSpacePlan>();
    ASSERT_TRUE(plan->map(UINT64_MAX - 0x2fff, UINT64_MAX, uc, RegionSource::Device));
    auto runs = flat(*plan);
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].start, UINT64_MAX - 0x2fff);
    EXPECT_GT(runs[0].end, runs[0].start);
}

} // namespace
