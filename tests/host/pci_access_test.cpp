#include "core/pci/ecam_region.h"
#include "core/pci/enable.h"
#include "core/pci/legacy_address.h"

#include <gtest/gtest.h>

#include "pci_builder.h"
#include "pci_fake_config_space.h"

using pci_test::FakeConfigSpace;
using pci_test::HeaderBuilder;
using rota::Bdf;
using rota::PciEcamRegion;
using rota::PhysAddr;

TEST(PciEcam, AddressOfAFunctionRegister)
{
    PciEcamRegion q35 {PhysAddr(0xb0000000), 0, 0, 255};
    EXPECT_EQ(rota::ecam_address(q35, Bdf {0, 0, 3, 0}, 0x00)->get(), 0xb0018000u);
    EXPECT_EQ(rota::ecam_address(q35, Bdf {0, 1, 0, 0}, 0x100)->get(), 0xb0100100u);
    EXPECT_EQ(rota::ecam_address(q35, Bdf {0, 255, 31, 7}, 0xffc)->get(), 0xbffffffcu);
}

TEST(PciEcam, BaseIsBusZeroEvenWhenTheRegionStartsLater)
{
    // MCFG's base address is where bus 0 would be (PCI Firmware 3.2, 4.1.2).
    PciEcamRegion region {PhysAddr(0xe0000000), 2, 0x40, 0x7f};
    EXPECT_EQ(rota::ecam_address(region, Bdf {2, 0x40, 0, 0}, 0)->get(), 0xe4000000u);
    EXPECT_FALSE(rota::ecam_address(region, Bdf {2, 0x3f, 0, 0}, 0).has_value());
    EXPECT_FALSE(rota::ecam_address(region, Bdf {2, 0x80, 0, 0}, 0).has_value());
    EXPECT_FALSE(rota::ecam_address(region, Bdf {0, 0x40, 0, 0}, 0).has_value()) << "segment";
}

TEST(PciEcam, RegionValidation)
{
    EXPECT_TRUE(rota::validate_ecam_region({PhysAddr(0xb0000000), 0, 0, 255}).has_value());
    EXPECT_TRUE(rota::validate_ecam_region({PhysAddr(0), 0, 0, 255}).is_error());
    EXPECT_TRUE(rota::validate_ecam_region({PhysAddr(0xb0000000), 0, 5, 4}).is_error());
    EXPECT_TRUE(rota::validate_ecam_region({PhysAddr(0xb0080000), 0, 0, 1}).is_error());
}

TEST(PciLegacy, ConfigAddress)
{
    EXPECT_EQ(rota::legacy_config_address(Bdf {0, 0, 0, 0}, 0), 0x80000000u);
    EXPECT_EQ(rota::legacy_config_address(Bdf {0, 0, 3, 0}, 0x34), 0x80001834u);
    EXPECT_EQ(rota::legacy_config_address(Bdf {0, 2, 31, 7}, 0xfe), 0x8002fffcu);
}

TEST(PciBdf, Text)
{
    EXPECT_STREQ(rota::bdf_text(Bdf {0, 0, 3, 0}).text, "00:03.0");
    EXPECT_STREQ(rota::bdf_text(Bdf {0, 0xab, 0x1f, 7}).text, "ab:1f.7");
    EXPECT_STREQ(rota::bdf_text(Bdf {0x10, 1, 2, 3}).text, "0010:01:02.3");
}

TEST(PciConfigSpace, NarrowReadsAndWrites)
{
    FakeConfigSpace config(256);
    Bdf bdf {0, 0, 1, 0};
    config.add_function(
        bdf, HeaderBuilder(0x1af4, 0x1042, 0x01, 0x00).put16(0x06, 0x0010).put8(0x08, 0x01));
    EXPECT_EQ(config.read16(bdf, 0x02), 0x1042);
    EXPECT_EQ(config.read8(bdf, 0x0b), 0x01);
    EXPECT_EQ(config.read8(bdf, 0x08), 0x01);
    EXPECT_EQ(config.read16(bdf, 0x06), 0x0010);
    config.write16(bdf, 0x04, 0x0006);
    ASSERT_EQ(config.writes().size(), 1u);
    EXPECT_EQ(config.writes()[0].width, 2) << "a 16-bit write, not a dword that would hit status";
    EXPECT_EQ(config.read16(bdf, 0x06), 0x0010);
}

TEST(PciEnable, MemoryAndBusMaster)
{
    FakeConfigSpace config(256);
    rota::PciFunction fn;
    fn.bdf = {0, 0, 2, 0};
    fn.bar_count = 6;
    fn.bars[4] = {rota::BarKind::Memory64, true, 0x800000000, 0x4000};
    config.add_function(fn.bdf, HeaderBuilder(0x1af4, 0x1050).command(0x0400));
    ASSERT_TRUE(rota::enable_device(config, fn).has_value());
    EXPECT_EQ(config.peek32(fn.bdf, 0x04) & 0xffff, 0x0406u);
}

TEST(PciEnable, IoWhenItHasIoBars)
{
    FakeConfigSpace config(256);
    rota::PciFunction fn;
    fn.bdf = {0, 0, 2, 0};
    fn.bar_count = 6;
    fn.bars[0] = {rota::BarKind::Io, false, 0xc000, 0x80};
    config.add_function(fn.bdf, HeaderBuilder(0x1af4, 0x1001));
    ASSERT_TRUE(rota::enable_device(config, fn).has_value());
    EXPECT_EQ(config.peek32(fn.bdf, 0x04) & 0xffff, 0x0007u);
}

TEST(PciEnable, AlreadyEnabledWritesNothing)
{
    FakeConfigSpace config(256);
    rota::PciFunction fn;
    fn.bdf = {0, 0, 2, 0};
    config.add_function(fn.bdf, HeaderBuilder(0x1af4, 0x1050).command(0x0006));
    ASSERT_TRUE(rota::enable_device(config, fn).has_value());
    EXPECT_TRUE(config.writes().empty());
}

TEST(PciEnable, CommandRegisterThatDoesNotTakeTheBits)
{
    FakeConfigSpace config(256);
    rota::PciFunction fn;
    fn.bdf = {0, 0, 2, 0};
    config.add_function(fn.bdf, HeaderBuilder(0x1af4, 0x1050));
    config.set_command_read_only(true);
    auto result = rota::enable_device(config, fn);
    ASSERT_TRUE(result.is_error());
    EXPECT_EQ(result.error(), rota::Error::DeviceError);
}
