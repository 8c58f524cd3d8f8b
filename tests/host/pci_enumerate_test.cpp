#include "core/pci/enumerate.h"

#include <gtest/gtest.h>

#include <memory>

#include "pci_builder.h"
#include "pci_fake_config_space.h"

using pci_test::FakeConfigSpace;
using pci_test::HeaderBuilder;
using rota::Bdf;
using rota::BridgeScan;
using rota::BusRange;
using rota::PciFunctionList;

namespace {

HeaderBuilder endpoint(uint16_t device = 0x1042)
{
    return HeaderBuilder(0x1af4, device, 0x01, 0x00);
}
HeaderBuilder bridge(uint8_t primary, uint8_t secondary, uint8_t subordinate)
{
    return HeaderBuilder(0x1b36, 0x0001, 0x06, 0x04, 0x01).bridge(primary, secondary, subordinate);
}

struct ScanResult {
    std::unique_ptr<PciFunctionList> list = std::make_unique<PciFunctionList>();
    rota::EnumerationStats stats;
};

ScanResult enumerate(FakeConfigSpace& config, BusRange root = {})
{
    ScanResult run;
    run.stats = rota::enumerate_pci(config, std::span(&root, 1), *run.list);
    return run;
}

} // namespace

TEST(PciEnumerate, EmptyBus)
{
    FakeConfigSpace config;
    ScanResult run = enumerate(config);
    EXPECT_EQ(run.list->size(), 0u);
    EXPECT_EQ(run.stats.buses, 1u);
    EXPECT_TRUE(config.writes().empty());
}

TEST(PciEnumerate, AllOnesEverywhereIsAbsent)
{
    FakeConfigSpace config(256);
    config.add_function({0, 0, 5, 0}, std::vector<uint8_t>(256, 0xff));
    ScanResult run = enumerate(config);
    EXPECT_EQ(run.list->size(), 0u);
    EXPECT_EQ(run.stats.functions, 0u);
    EXPECT_TRUE(config.writes().empty());
}

TEST(PciEnumerate, FunctionsBeyondZeroOnlyWhenMultiFunction)
{
    FakeConfigSpace config(256);
    config.add_function({0, 0, 1, 0}, endpoint());
    config.add_function({0, 0, 1, 1}, endpoint()); // ignored: function 0 is single-function
    config.add_function({0, 0, 2, 0}, HeaderBuilder(0x8086, 0x2918, 0x06, 0x01, 0x80));
    config.add_function({0, 0, 2, 3}, HeaderBuilder(0x8086, 0x2930, 0x0c, 0x05));
    config.add_function({0, 0, 3, 1}, endpoint()); // ignored: no function 0
    ScanResult run = enumerate(config);
    ASSERT_EQ(run.list->size(), 3u);
    EXPECT_EQ(run.list->functions()[0].bdf, (Bdf {0, 0, 1, 0}));
    EXPECT_EQ(run.list->functions()[1].bdf, (Bdf {0, 0, 2, 0}));
    EXPECT_TRUE(run.list->functions()[1].multifunction);
    EXPECT_EQ(run.list->functions()[2].bdf, (Bdf {0, 0, 2, 3}));
}

TEST(PciEnumerate, FollowsBridgesToEveryBus)
{
    FakeConfigSpace config(256);
    config.add_function({0, 0, 1, 0}, bridge(0, 1, 2));
    config.add_function({0, 0, 2, 0}, endpoint(0x1041));
    config.add_function({0, 1, 0, 0}, bridge(1, 2, 2));
    config.add_function({0, 1, 3, 0}, endpoint(0x1043));
    config.add_function({0, 2, 0, 0}, endpoint(0x1050));
    ScanResult run = enumerate(config);
    ASSERT_EQ(run.list->size(), 5u);
    EXPECT_EQ(run.stats.buses, 3u);
    EXPECT_EQ(run.stats.bridges_followed, 2u);
    const rota::PciFunction* deep = run.list->find(0x1af4, 0x1050);
    ASSERT_NE(deep, nullptr);
    EXPECT_EQ(deep->bdf, (Bdf {0, 2, 0, 0}));
    EXPECT_EQ(run.list->functions()[0].bridge_scan, BridgeScan::Followed);
    EXPECT_EQ(run.list->functions()[0].secondary_bus, 1);
    EXPECT_EQ(run.list->functions()[0].subordinate_bus, 2);
    // Bus order: bus 0's functions come first.
    EXPECT_EQ(run.list->functions()[2].bdf.bus, 1);
    EXPECT_EQ(run.list->functions()[4].bdf.bus, 2);
}

TEST(PciEnumerate, BridgeBackToBusZeroIsNotFollowed)
{
    FakeConfigSpace config(256);
    config.add_function({0, 0, 1, 0}, bridge(0, 0, 0));
    config.add_function({0, 0, 2, 0}, endpoint());
    ScanResult run = enumerate(config);
    ASSERT_EQ(run.list->size(), 2u);
    EXPECT_EQ(run.stats.buses, 1u);
    EXPECT_EQ(run.list->functions()[0].bridge_scan, BridgeScan::Unconfigured);
}

TEST(PciEnumerate, BridgeLoopBackToItsOwnBus)
{
    // Bus 0 -> 1, and a bridge on bus 1 whose secondary is 1 again, and one back to 0... by number
    // 0 is "unconfigured", so point one at bus 1 and another from bus 1 to bus 1.
    FakeConfigSpace config(256);
    config.add_function({0, 0, 1, 0}, bridge(0, 1, 1));
    config.add_function({0, 1, 0, 0}, bridge(1, 1, 1));
    config.add_function({0, 1, 1, 0}, endpoint());
    ScanResult run = enumerate(config);
    ASSERT_EQ(run.list->size(), 3u);
    EXPECT_EQ(run.stats.buses, 2u);
    EXPECT_EQ(run.list->functions()[1].bridge_scan, BridgeScan::AlreadyScanned);
    EXPECT_EQ(run.stats.bridges_skipped, 1u);
}

TEST(PciEnumerate, TwoBridgesClaimingOneBus)
{
    FakeConfigSpace config(256);
    config.add_function({0, 0, 1, 0}, bridge(0, 1, 1));
    config.add_function({0, 0, 2, 0}, bridge(0, 1, 1));
    config.add_function({0, 1, 0, 0}, endpoint());
    ScanResult run = enumerate(config);
    ASSERT_EQ(run.list->size(), 3u);
    EXPECT_EQ(run.list->functions()[0].bridge_scan, BridgeScan::Followed);
    EXPECT_EQ(run.list->functions()[1].bridge_scan, BridgeScan::AlreadyScanned);
    EXPECT_EQ(run.stats.buses, 2u);
}

TEST(PciEnumerate, SecondaryBusOutsideTheRegion)
{
    FakeConfigSpace config(4096);
    config.add_function({0, 0, 1, 0}, bridge(0, 8, 8));
    config.add_function({0, 8, 0, 0}, endpoint());
    ScanResult run = enumerate(config, BusRange {0, 0, 7});
    ASSERT_EQ(run.list->size(), 1u);
    EXPECT_EQ(run.list->functions()[0].bridge_scan, BridgeScan::OutOfRange);
}

TEST(PciEnumerate, DepthIsBounded)
{
    FakeConfigSpace config(256);
    for (uint8_t bus = 0; bus < 40; ++bus)
        config.add_function({0, bus, 0, 0}, bridge(bus, static_cast<uint8_t>(bus + 1), 40));
    ScanResult run = enumerate(config);
    EXPECT_EQ(run.stats.buses, rota::max_bridge_depth + 1);
    EXPECT_EQ(run.stats.bridges_followed, rota::max_bridge_depth);
    EXPECT_EQ(run.list->functions().back().bridge_scan, BridgeScan::TooDeep);
}

TEST(PciEnumerate, SegmentAndStartBusOfTheRoot)
{
    FakeConfigSpace config(4096);
    config.add_function({1, 0x40, 2, 0}, endpoint());
    config.add_function({0, 0x40, 3, 0}, endpoint()); // another segment: not reached
    ScanResult run = enumerate(config, BusRange {1, 0x40, 0x7f});
    ASSERT_EQ(run.list->size(), 1u);
    EXPECT_EQ(run.list->functions()[0].bdf, (Bdf {1, 0x40, 2, 0}));
}

TEST(PciEnumerate, FullListCountsDropsAndStillFollowsBridges)
{
    FakeConfigSpace config(256);
    for (uint8_t device = 0; device < 13; ++device) {
        for (uint8_t function = 0; function < 8; ++function)
            config.add_function(
                {0, 0, device, function}, HeaderBuilder(0x8086, 0x1000, 0x02, 0, 0x80));
    }
    config.add_function({0, 0, 20, 0}, bridge(0, 1, 1));
    config.add_function({0, 1, 0, 0}, endpoint());
    ScanResult run = enumerate(config);
    EXPECT_EQ(run.list->size(), PciFunctionList::capacity);
    EXPECT_EQ(run.stats.functions, 13u * 8 + 2);
    EXPECT_EQ(run.stats.dropped, 13u * 8 + 2 - PciFunctionList::capacity);
    EXPECT_EQ(run.list->dropped(), run.stats.dropped);
    EXPECT_EQ(run.stats.buses, 2u);
}

TEST(PciEnumerate, CapabilityAndBarErrorsAreCountedNotFatal)
{
    FakeConfigSpace config(256);
    config.add_function({0, 0, 1, 0}, endpoint().capabilities(0x40).cap(0x40, 0x01, 0x40));
    config.add_function({0, 0, 2, 0}, endpoint().bar(5, 0x0000000c));
    config.add_function({0, 0, 3, 0}, endpoint());
    ScanResult run = enumerate(config);
    ASSERT_EQ(run.list->size(), 3u);
    EXPECT_EQ(run.stats.capability_errors, 1u);
    EXPECT_EQ(run.stats.bar_errors, 1u);
    EXPECT_EQ(run.list->functions()[0].capability_error, rota::Error::Corrupt);
    EXPECT_EQ(run.list->functions()[0].capabilities.count, 1);
    EXPECT_EQ(run.list->functions()[1].bar_error, rota::Error::Corrupt);
    EXPECT_FALSE(run.list->functions()[2].bar_error.has_value());
}

TEST(PciEnumerate, HostBridgeKeepsDecodeWhileSized)
{
    FakeConfigSpace config(256);
    config.add_function({0, 0, 0, 0}, HeaderBuilder(0x8086, 0x29c0, 0x06, 0x00).command(0x0006));
    ScanResult run = enumerate(config);
    ASSERT_EQ(run.list->size(), 1u);
    for (const auto& write : config.writes())
        EXPECT_NE(write.offset, 0x04);
}
