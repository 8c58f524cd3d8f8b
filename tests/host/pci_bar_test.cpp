#include "core/pci/bar.h"

#include <gtest/gtest.h>

#include "pci_builder.h"
#include "pci_fake_config_space.h"

using pci_test::ConfigWrite;
using pci_test::FakeConfigSpace;
using pci_test::HeaderBuilder;
using rota::Bar;
using rota::BarKind;
using rota::Bdf;

namespace {

constexpr Bdf bdf {0, 0, 3, 0};

// A transitional virtio-blk as QEMU lays it out: I/O BAR0 (128 bytes), MSI-X in
// memory BAR1 (4 KiB), the modern structures in 64-bit prefetchable BAR4.
FakeConfigSpace virtio_like(uint16_t command = 0x0007)
{
    FakeConfigSpace config(256);
    config.add_function(bdf,
        HeaderBuilder(0x1af4, 0x1001, 0x01)
            .command(command)
            .bar(0, 0x0000c081)
            .bar(1, 0xfebd1000)
            .bar(4, 0xfe00000c)
            .bar(5, 0x00000000));
    config.set_bar_size(bdf, 0, 0x80);
    config.set_bar_size(bdf, 1, 0x1000);
    config.set_bar_size(bdf, 4, 0x4000);
    return config;
}

ConfigWrite w32(uint16_t offset, uint32_t value)
{
    return {bdf, offset, 4, value, 0};
}
ConfigWrite w16(uint16_t offset, uint16_t value)
{
    return {bdf, offset, 2, value, 0};
}

} // namespace

TEST(PciBar, SizesEveryBarWithDecodeOffInTheExactOrder)
{
    FakeConfigSpace config = virtio_like();
    std::vector<uint8_t> before = config.bytes(bdf);
    Bar bars[6];
    ASSERT_TRUE(rota::probe_bars(config, bdf, 6, false, bars).has_value());

    std::vector<ConfigWrite> expected = {
        w16(0x04, 0x0004), // I/O and memory decode off, bus master kept
        w32(0x10, 0xffffffff),
        w32(0x10, 0x0000c081),
        w32(0x14, 0xffffffff),
        w32(0x14, 0xfebd1000),
        w32(0x18, 0xffffffff),
        w32(0x18, 0x00000000),
        w32(0x1c, 0xffffffff),
        w32(0x1c, 0x00000000),
        // 64-bit: both halves all ones, both read, both restored.
        w32(0x20, 0xffffffff),
        w32(0x24, 0xffffffff),
        w32(0x20, 0xfe00000c),
        w32(0x24, 0x00000000),
        w16(0x04, 0x0007),
    };
    EXPECT_EQ(config.writes(), expected);
    for (size_t i = 1; i + 1 < config.writes().size(); ++i)
        EXPECT_EQ(config.writes()[i].command_before & 0x3, 0) << "write " << i << " with decode on";
    EXPECT_EQ(config.bytes(bdf), before) << "everything restored";

    EXPECT_EQ(bars[0].kind, BarKind::Io);
    EXPECT_EQ(bars[0].address, 0xc080u);
    EXPECT_EQ(bars[0].size, 0x80u);
    EXPECT_EQ(bars[1].kind, BarKind::Memory32);
    EXPECT_FALSE(bars[1].prefetchable);
    EXPECT_EQ(bars[1].address, 0xfebd1000u);
    EXPECT_EQ(bars[1].size, 0x1000u);
    EXPECT_EQ(bars[2].kind, BarKind::None);
    EXPECT_EQ(bars[3].kind, BarKind::None);
    EXPECT_EQ(bars[4].kind, BarKind::Memory64);
    EXPECT_TRUE(bars[4].prefetchable);
    EXPECT_EQ(bars[4].address, 0xfe000000u);
    EXPECT_EQ(bars[4].size, 0x4000u);
    EXPECT_EQ(bars[5].kind, BarKind::None) << "the upper half of BAR4";
}

TEST(PciBar, DecodeAlreadyOffIsNotWrittenAgain)
{
    FakeConfigSpace config = virtio_like(0x0000);
    Bar bars[6];
    ASSERT_TRUE(rota::probe_bars(config, bdf, 6, false, bars).has_value());
    for (const ConfigWrite& write : config.writes())
        EXPECT_NE(write.offset, 0x04);
    EXPECT_EQ(bars[4].size, 0x4000u);
}

TEST(PciBar, KeepDecodeLeavesTheCommandRegisterAlone)
{
    FakeConfigSpace config = virtio_like();
    Bar bars[6];
    ASSERT_TRUE(rota::probe_bars(config, bdf, 6, true, bars).has_value());
    for (const ConfigWrite& write : config.writes()) {
        EXPECT_NE(write.offset, 0x04);
        EXPECT_EQ(write.command_before, 0x0007);
    }
    EXPECT_EQ(bars[1].size, 0x1000u);
}

TEST(PciBar, SixtyFourBitBarAbove4GiB)
{
    FakeConfigSpace config(256);
    config.add_function(
        bdf, HeaderBuilder(0x1af4, 0x1050, 0x03).bar(2, 0x0000000c).bar(3, 0x00000008));
    config.set_bar_size(bdf, 2, 0x4000);
    Bar bars[6];
    ASSERT_TRUE(rota::probe_bars(config, bdf, 6, false, bars).has_value());
    EXPECT_EQ(bars[2].kind, BarKind::Memory64);
    EXPECT_EQ(bars[2].address, 0x800000000u);
    EXPECT_EQ(bars[2].size, 0x4000u);
    EXPECT_EQ(bars[3].kind, BarKind::None);
}

TEST(PciBar, LargeSixtyFourBitBarSizeNeedsTheUpperHalf)
{
    FakeConfigSpace config(256);
    config.add_function(bdf, HeaderBuilder(0x10de, 0x1234, 0x03).bar(0, 0x0000000c));
    config.set_bar_size(bdf, 0, 0x400000000ull); // 16 GiB: no low address bit sticks
    Bar bars[6];
    ASSERT_TRUE(rota::probe_bars(config, bdf, 6, false, bars).has_value());
    EXPECT_EQ(bars[0].kind, BarKind::Memory64);
    EXPECT_EQ(bars[0].size, 0x400000000u);
}

TEST(PciBar, SixteenBitIoBar)
{
    FakeConfigSpace config(256);
    config.add_function(bdf, HeaderBuilder(0x8086, 0x7010, 0x01).bar(4, 0x0000c001));
    config.set_bar_wmask(bdf, 4, 0x0000fff0); // upper 16 bits read back as zero
    Bar bars[6];
    ASSERT_TRUE(rota::probe_bars(config, bdf, 6, false, bars).has_value());
    EXPECT_EQ(bars[4].kind, BarKind::Io);
    EXPECT_EQ(bars[4].address, 0xc000u);
    EXPECT_EQ(bars[4].size, 0x10u);
}

TEST(PciBar, SixtyFourBitBarInTheLastSlotIsCorrupt)
{
    FakeConfigSpace config(256);
    config.add_function(bdf, HeaderBuilder(0x1234, 0x5678).bar(0, 0xfe000000).bar(5, 0xfd00000c));
    config.set_bar_size(bdf, 0, 0x1000);
    std::vector<uint8_t> before = config.bytes(bdf);
    Bar bars[6];
    auto result = rota::probe_bars(config, bdf, 6, false, bars);
    ASSERT_TRUE(result.is_error());
    EXPECT_EQ(result.error(), rota::Error::Corrupt);
    EXPECT_EQ(bars[0].kind, BarKind::Memory32) << "the BARs before it are still decoded";
    EXPECT_EQ(bars[0].size, 0x1000u);
    EXPECT_EQ(bars[5].kind, BarKind::None);
    EXPECT_EQ(config.bytes(bdf), before);
}

TEST(PciBar, ReservedMemoryTypeIsCorrupt)
{
    FakeConfigSpace config(256);
    config.add_function(bdf, HeaderBuilder(0x1234, 0x5678).bar(1, 0xfe000006).bar(2, 0xfd000000));
    config.set_bar_size(bdf, 2, 0x100);
    Bar bars[6];
    auto result = rota::probe_bars(config, bdf, 6, false, bars);
    ASSERT_TRUE(result.is_error());
    EXPECT_EQ(bars[1].kind, BarKind::None);
    EXPECT_EQ(bars[2].kind, BarKind::Memory32);
    EXPECT_EQ(bars[2].size, 0x100u);
}

TEST(PciBar, BridgeHasTwoBarsAndItsBusNumbersAreNotTouched)
{
    FakeConfigSpace config(256);
    config.add_function(bdf,
        HeaderBuilder(0x1b36, 0x000c, 0x06, 0x04, 0x01)
            .command(0x0107)
            .bridge(0, 1, 1)
            .bar(0, 0xfe800000));
    config.set_bar_size(bdf, 0, 0x1000);
    Bar bars[2];
    ASSERT_TRUE(rota::probe_bars(config, bdf, 2, false, bars).has_value());
    for (const ConfigWrite& write : config.writes())
        EXPECT_LT(write.offset, 0x18);
    EXPECT_EQ(config.writes().size(), 6u);
    EXPECT_EQ(bars[0].size, 0x1000u);
    EXPECT_EQ(bars[1].kind, BarKind::None);
    EXPECT_EQ(config.peek32(bdf, 0x04) & 0xffff, 0x0107u);
}
