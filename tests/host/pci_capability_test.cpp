#include "core/pci/capability.h"

#include <gtest/gtest.h>

#include "pci_builder.h"
#include "pci_fake_config_space.h"

using pci_test::FakeConfigSpace;
using pci_test::HeaderBuilder;
using rota::Bdf;
using rota::CapabilityList;

namespace {

constexpr Bdf bdf {0, 0, 4, 0};

struct Walk {
    bool ok;
    rota::Error error;
    CapabilityList list;
};

Walk walk(const std::vector<uint8_t>& bytes, uint16_t space = 256)
{
    FakeConfigSpace config(space);
    config.add_function(bdf, bytes);
    Walk out {};
    auto result = rota::walk_capabilities(config, bdf, 0x34, out.list);
    out.ok = result.has_value();
    out.error = out.ok ? rota::Error::InvalidArgument : result.error();
    return out;
}

} // namespace

TEST(PciCapability, StatusBitClearMeansNoWalk)
{
    // A pointer and a capability are there, but status bit 4 is clear.
    auto bytes = HeaderBuilder(0x1234, 1).put8(0x34, 0x40).cap(0x40, 0x11, 0x00).bytes();
    Walk w = walk(bytes);
    EXPECT_TRUE(w.ok);
    EXPECT_EQ(w.list.count, 0);
    EXPECT_FALSE(w.list.msix.has_value());
}

TEST(PciCapability, EmptyListWithStatusBitSet)
{
    Walk w = walk(HeaderBuilder(0x1234, 1).capabilities(0x00));
    EXPECT_TRUE(w.ok);
    EXPECT_EQ(w.list.count, 0);
}

TEST(PciCapability, ParsesMsiMsixPcieAndVendor)
{
    auto bytes = HeaderBuilder(0x1af4, 0x1042)
                     .capabilities(0x98)
                     // MSI-X: 3 entries (N-1 = 2), table BAR1 + 0, PBA BAR1 + 0x800.
                     .cap(0x98, 0x11, 0x84, {0x02, 0x80, 0x01, 0, 0, 0, 0x01, 0x08, 0, 0})
                     // virtio notify cap: cap_len 20, cfg_type 2, bar 4, offset 0x3000, length
                     // 0x1000, multiplier 4.
                     .cap(0x84, 0x09, 0x70,
                         {20, 2, 4, 0, 0, 0, 0x00, 0x30, 0, 0, 0x00, 0x10, 0, 0, 4, 0, 0, 0})
                     // MSI: 64-bit, per-vector masking, 4 vectors capable.
                     .cap(0x70, 0x05, 0x60, {0x84, 0x01})
                     // PCIe v2 root port (type 4).
                     .cap(0x60, 0x10, 0x00, {0x42, 0x00});
    Walk w = walk(bytes, 4096);
    ASSERT_TRUE(w.ok);
    ASSERT_EQ(w.list.count, 4);
    EXPECT_EQ(w.list.entries[0].id, 0x11);
    EXPECT_EQ(w.list.entries[0].offset, 0x98);
    EXPECT_EQ(w.list.entries[3].id, 0x10);
    EXPECT_TRUE(w.list.has(0x05));
    EXPECT_FALSE(w.list.has(0x01));

    ASSERT_TRUE(w.list.msix.has_value());
    EXPECT_EQ(w.list.msix->offset, 0x98);
    EXPECT_EQ(w.list.msix->table_size, 3);
    EXPECT_EQ(w.list.msix->table_bar, 1);
    EXPECT_EQ(w.list.msix->table_offset, 0u);
    EXPECT_EQ(w.list.msix->pba_bar, 1);
    EXPECT_EQ(w.list.msix->pba_offset, 0x800u);

    ASSERT_EQ(w.list.vendor_count, 1);
    const auto& vendor = w.list.vendor[0];
    EXPECT_EQ(vendor.offset, 0x84);
    EXPECT_EQ(vendor.length, 20);
    EXPECT_EQ(vendor.captured, 20);
    EXPECT_EQ(vendor.bytes[0], 0x09);
    EXPECT_EQ(vendor.bytes[3], 2); // cfg_type
    EXPECT_EQ(vendor.bytes[4], 4); // bar
    EXPECT_EQ(vendor.bytes[9], 0x30); // offset 0x3000
    EXPECT_EQ(vendor.bytes[16], 4); // notify_off_multiplier

    ASSERT_TRUE(w.list.msi.has_value());
    EXPECT_TRUE(w.list.msi->address_64bit);
    EXPECT_TRUE(w.list.msi->per_vector_masking);
    EXPECT_EQ(w.list.msi->vectors_capable, 4);

    ASSERT_TRUE(w.list.pcie.has_value());
    EXPECT_EQ(w.list.pcie->offset, 0x60);
    EXPECT_EQ(w.list.pcie->version, 2);
    EXPECT_EQ(w.list.pcie->port_type, rota::PciePortType::RootPort);
}

TEST(PciCapability, PointerLowBitsAreMasked)
{
    Walk w = walk(
        HeaderBuilder(0x1234, 1).capabilities(0x43).cap(0x40, 0x01, 0x53).cap(0x50, 0x05, 0x00));
    ASSERT_TRUE(w.ok);
    ASSERT_EQ(w.list.count, 2);
    EXPECT_EQ(w.list.entries[0].offset, 0x40);
    EXPECT_EQ(w.list.entries[1].offset, 0x50);
}

TEST(PciCapability, LoopEndsTheWalkWithWhatCameBefore)
{
    Walk w = walk(
        HeaderBuilder(0x1234, 1).capabilities(0x40).cap(0x40, 0x01, 0x50).cap(0x50, 0x05, 0x40));
    EXPECT_FALSE(w.ok);
    EXPECT_EQ(w.error, rota::Error::Corrupt);
    ASSERT_EQ(w.list.count, 2);
    EXPECT_EQ(w.list.entries[0].id, 0x01);
    EXPECT_EQ(w.list.entries[1].id, 0x05);
    EXPECT_TRUE(w.list.msi.has_value());
}

TEST(PciCapability, SelfLoop)
{
    Walk w = walk(HeaderBuilder(0x1234, 1).capabilities(0x40).cap(0x40, 0x09, 0x40, {4}));
    EXPECT_FALSE(w.ok);
    EXPECT_EQ(w.list.count, 1);
    EXPECT_EQ(w.list.vendor_count, 1);
}

TEST(PciCapability, FirstPointerIntoTheHeader)
{
    Walk w = walk(HeaderBuilder(0x1234, 1).capabilities(0x20));
    EXPECT_FALSE(w.ok);
    EXPECT_EQ(w.error, rota::Error::Corrupt);
    EXPECT_EQ(w.list.count, 0);
}

TEST(PciCapability, LaterPointerIntoTheHeader)
{
    Walk w = walk(HeaderBuilder(0x1234, 1).capabilities(0x40).cap(0x40, 0x01, 0x3c));
    EXPECT_FALSE(w.ok);
    EXPECT_EQ(w.list.count, 1);
}

TEST(PciCapability, MsixRunningPastTheSpaceIsOutOfRange)
{
    Walk w = walk(
        HeaderBuilder(0x1234, 1).capabilities(0x40).cap(0x40, 0x01, 0xf8).cap(0xf8, 0x11, 0x00));
    EXPECT_FALSE(w.ok);
    EXPECT_EQ(w.error, rota::Error::Corrupt);
    EXPECT_EQ(w.list.count, 1);
    EXPECT_FALSE(w.list.msix.has_value());
}

TEST(PciCapability, FortyEightEntriesAreTheMostThereCanBe)
{
    HeaderBuilder header(0x1234, 1);
    header.capabilities(0x40);
    for (unsigned offset = 0x40; offset < 0x100; offset += 4)
        header.cap(static_cast<uint8_t>(offset), 0x01,
            offset == 0xfc ? 0 : static_cast<uint8_t>(offset + 4));
    Walk w = walk(header);
    EXPECT_TRUE(w.ok);
    EXPECT_EQ(w.list.count, 48);
}

TEST(PciCapability, VendorCapabilityClampedToItsBufferAndTheSpace)
{
    Walk w = walk(HeaderBuilder(0x1234, 1)
                      .capabilities(0x40)
                      .cap(0x40, 0x09, 0xf4, {200, 0xaa})
                      .cap(0xf4, 0x09, 0x00, {40, 0xbb}));
    ASSERT_TRUE(w.ok);
    ASSERT_EQ(w.list.vendor_count, 2);
    EXPECT_EQ(w.list.vendor[0].length, 200);
    EXPECT_EQ(w.list.vendor[0].captured, 24);
    EXPECT_EQ(w.list.vendor[0].bytes[3], 0xaa);
    EXPECT_EQ(w.list.vendor[1].length, 40);
    EXPECT_EQ(w.list.vendor[1].captured, 12) << "0xf4 + 12 is the end of the 256 bytes";
}

TEST(PciCapability, MoreVendorCapabilitiesThanRoom)
{
    HeaderBuilder header(0x1234, 1);
    header.capabilities(0x40);
    for (unsigned i = 0; i < 10; ++i)
        header.cap(static_cast<uint8_t>(0x40 + 16 * i), 0x09,
            i == 9 ? 0 : static_cast<uint8_t>(0x50 + 16 * i), {16});
    Walk w = walk(header);
    ASSERT_TRUE(w.ok);
    EXPECT_EQ(w.list.count, 10);
    EXPECT_EQ(w.list.vendor_count, CapabilityList::max_vendor);
    EXPECT_TRUE(w.list.vendor_overflow);
}
