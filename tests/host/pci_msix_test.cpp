// MSI-X against the capability QEMU's virtio devices present (the captured
// configuration spaces) and a fake BAR that behaves as the function would:
// where the table is, messages written only while masked, the pending-bit
// array read and never written, and nothing sent before its entry is unmasked.

#include <gtest/gtest.h>

#include <memory>

#include "core/pci/enable.h"
#include "core/pci/enumerate.h"
#include "core/pci/msi.h"
#include "core/pci/msix.h"
#include "core/pci/msix_table.h"
#include "pci_fake_msix_bar.h"
#include "pci_fixture.h"

using pci_test::FakeMsixBar;
using rota::Bdf;
using rota::Error;
using rota::MsiMessage;
using rota::MsixTable;
using rota::PciFunction;

namespace {

struct Captured {
    pci_test::Fixture fixture;
    std::unique_ptr<pci_test::FakeConfigSpace> config;
    std::unique_ptr<rota::PciFunctionList> list;

    explicit Captured(const std::string& name)
        : fixture(pci_test::load_fixture(name))
        , config(fixture.config_space())
        , list(std::make_unique<rota::PciFunctionList>())
    {
        rota::BusRange root {0, 0, 255};
        rota::enumerate_pci(*config, std::span(&root, 1), *list);
    }
    const PciFunction& at(Bdf bdf) const { return *list->find(bdf); }
};

constexpr Bdf slot1 {0, 0, 1, 0};

} // namespace

TEST(PciMsix, VirtioBlkTableAndPbaSitInBar1)
{
    Captured q35("q35-virtio-blk");
    const PciFunction& blk = q35.at(slot1);
    auto where = rota::msix_locate(blk);
    ASSERT_TRUE(where.has_value());
    // QEMU's virtio-blk-pci: two vectors (config and the one request queue),
    // table at the start of BAR1, PBA at 0x800 (query-pci put BAR1 at 0xc0001000).
    EXPECT_EQ(where->size, 2);
    EXPECT_EQ(where->table.get(), 0xc0001000u);
    EXPECT_EQ(where->pba.get(), 0xc0001800u);

    Captured gpu("q35-virtio-gpu");
    auto gpu_where = rota::msix_locate(gpu.at(slot1));
    ASSERT_TRUE(gpu_where.has_value());
    EXPECT_EQ(gpu_where->size, 3) << "config, controlq, cursorq";
}

TEST(PciMsix, ATableOutsideItsBarIsCorrupt)
{
    Captured q35("q35-virtio-blk");
    PciFunction blk = q35.at(slot1);
    blk.capabilities.msix->table_offset = 0xff8; // 2 entries of 16 bytes: past 4 KiB
    EXPECT_EQ(rota::msix_locate(blk).error(), Error::Corrupt);
    blk = q35.at(slot1);
    blk.capabilities.msix->pba_bar = 6; // reserved BIR
    EXPECT_EQ(rota::msix_locate(blk).error(), Error::Corrupt);
    blk = q35.at(slot1);
    blk.capabilities.msix->table_bar = 0; // the I/O BAR of the transitional device
    EXPECT_EQ(rota::msix_locate(blk).error(), Error::Corrupt);
    blk = q35.at(slot1);
    blk.capabilities.msix->table_bar = 2; // absent
    EXPECT_EQ(rota::msix_locate(blk).error(), Error::Corrupt);
    blk = q35.at(slot1);
    blk.capabilities.msix.reset();
    EXPECT_EQ(rota::msix_locate(blk).error(), Error::NotFound);
}

TEST(PciMsix, ControlSetsEnableAndFunctionMaskKeepingTheTableSize)
{
    Captured q35("q35-virtio-blk");
    const PciFunction& blk = q35.at(slot1);
    const rota::MsixCapability& cap = *blk.capabilities.msix;
    uint16_t offset = uint16_t(cap.offset + 2);
    uint16_t before = q35.config->read16(slot1, offset);
    EXPECT_EQ(before & 0x7ff, 1) << "table size - 1, read-only";
    rota::msix_set_control(*q35.config, slot1, cap, true, true);
    EXPECT_EQ(q35.config->read16(slot1, offset), (before & 0x7ff) | 0xc000);
    rota::msix_set_control(*q35.config, slot1, cap, true, false);
    EXPECT_EQ(q35.config->read16(slot1, offset), (before & 0x7ff) | 0x8000);
    rota::msix_set_control(*q35.config, slot1, cap, false, false);
    EXPECT_EQ(q35.config->read16(slot1, offset), before & 0x7ff);
}

TEST(PciMsix, EntriesAreProgrammedMaskedAndSendOnlyOnceUnmasked)
{
    FakeMsixBar bar(0x1000, 0, 0x800, 3);
    MsixTable<FakeMsixBar::Space> table(bar.table_space(), bar.pba_space(), 3);
    auto message = rota::msi_message(1, 0x31);
    ASSERT_TRUE(message.has_value());
    EXPECT_EQ(message->address, 0xfee01000u);
    EXPECT_EQ(message->data, 0x31u);

    table.program(1, *message);
    EXPECT_TRUE(table.masked(1));
    EXPECT_EQ(table.message(1), *message);
    EXPECT_EQ(bar.message(1), *message);
    bar.raise(1); // too early: held as pending, not lost
    EXPECT_TRUE(bar.sent.empty());
    EXPECT_TRUE(table.pending(1));
    EXPECT_FALSE(table.pending(0));

    table.unmask(1);
    ASSERT_EQ(bar.sent.size(), 1u) << "the pending message goes out on unmask";
    EXPECT_EQ(bar.sent[0], *message);
    EXPECT_FALSE(table.pending(1));
    EXPECT_EQ(bar.control(1) & ~1u, FakeMsixBar::reserved_control_bits);

    // Reprogramming an unmasked entry masks it first.
    auto moved = rota::msi_message(0, 0x40);
    table.program(1, *moved);
    EXPECT_TRUE(table.masked(1));
    table.unmask(1);
    bar.raise(1);
    ASSERT_EQ(bar.sent.size(), 2u);
    EXPECT_EQ(bar.sent[1], *moved);
    EXPECT_TRUE(bar.violations.empty()) << bar.violations[0];
}

TEST(PciMsix, TheFunctionMaskHoldsEveryEntry)
{
    FakeMsixBar bar(0x1000, 0, 0x800, 2);
    MsixTable<FakeMsixBar::Space> table(bar.table_space(), bar.pba_space(), 2);
    bar.function_masked = true;
    table.program(0, *rota::msi_message(0, 0x30));
    table.program(1, *rota::msi_message(0, 0x32));
    table.unmask(0);
    table.unmask(1);
    bar.raise(0);
    EXPECT_TRUE(bar.sent.empty());
    EXPECT_TRUE(table.pending(0));
    bar.lift_function_mask();
    ASSERT_EQ(bar.sent.size(), 1u);
    EXPECT_EQ(bar.sent[0].data, 0x30u);
    EXPECT_TRUE(bar.violations.empty());
}

TEST(PciMsix, PendingBitsPastTheFirstDword)
{
    FakeMsixBar bar(0x2000, 0, 0x1000, 40);
    MsixTable<FakeMsixBar::Space> table(bar.table_space(), bar.pba_space(), 40);
    table.program(35, *rota::msi_message(0, 0x33));
    bar.raise(35);
    EXPECT_TRUE(table.pending(35));
    EXPECT_FALSE(table.pending(3));
    EXPECT_TRUE(bar.violations.empty());
}

TEST(PciMsi, MessageNeedsAnEightBitDestination)
{
    EXPECT_EQ(rota::msi_message(255, 0x30)->address, 0xfeeff000u);
    EXPECT_EQ(rota::msi_message(256, 0x30).error(), Error::Unsupported);
}

TEST(PciMsi, AhciMsiIsProgrammedAndEnabled)
{
    Captured q35("q35-virtio-blk");
    constexpr Bdf ahci {0, 0, 0x1f, 2};
    const rota::MsiCapability cap = *q35.at(ahci).capabilities.msi;
    ASSERT_TRUE(cap.address_64bit);
    auto message = rota::msi_message(0, 0x34);
    q35.config->clear_writes();
    ASSERT_TRUE(rota::msi_enable(*q35.config, ahci, cap, *message, 1).has_value());
    EXPECT_EQ(q35.config->read32(ahci, cap.offset + 4), 0xfee00000u);
    EXPECT_EQ(q35.config->read32(ahci, cap.offset + 8), 0u);
    EXPECT_EQ(q35.config->read16(ahci, cap.offset + 0xc), 0x34);
    uint16_t control = q35.config->read16(ahci, cap.offset + 2);
    EXPECT_EQ(control & 1, 1) << "enabled";
    EXPECT_EQ((control >> 4) & 7, 0) << "one message";
    // Disabled while the message was written, enabled last.
    const auto& writes = q35.config->writes();
    ASSERT_GE(writes.size(), 2u);
    EXPECT_EQ(writes.front().offset, cap.offset + 2);
    EXPECT_EQ(writes.front().value & 1, 0u);
    EXPECT_EQ(writes.back().offset, cap.offset + 2);
    EXPECT_EQ(writes.back().value & 1, 1u);

    rota::msi_disable(*q35.config, ahci, cap);
    EXPECT_EQ(q35.config->read16(ahci, cap.offset + 2) & 1, 0);
}

TEST(PciMsi, MultipleMessagesAndPerVectorMasks)
{
    pci_test::FakeConfigSpace config(256);
    constexpr Bdf bdf {0, 0, 3, 0};
    std::vector<uint8_t> bytes(256, 0);
    config.add_function(bdf, bytes);
    // A 32-bit MSI capability with per-vector masking, 8 messages capable.
    rota::MsiCapability cap;
    cap.offset = 0x50;
    cap.address_64bit = false;
    cap.per_vector_masking = true;
    cap.vectors_capable = 8;
    config.poke16(bdf, 0x52, uint16_t(1u << 8 | 3u << 1));
    auto message = rota::msi_message(2, 0x40);
    EXPECT_EQ(rota::msi_enable(config, bdf, cap, *message, 3).error(), Error::InvalidArgument);
    EXPECT_EQ(rota::msi_enable(config, bdf, cap, *message, 16).error(), Error::InvalidArgument);
    ASSERT_TRUE(rota::msi_enable(config, bdf, cap, *message, 4).has_value());
    EXPECT_EQ(config.read32(bdf, 0x54), 0xfee02000u);
    EXPECT_EQ(config.read16(bdf, 0x58), 0x40);
    EXPECT_EQ(config.read32(bdf, 0x5c), ~0xfu) << "messages 0-3 unmasked, the rest masked";
    EXPECT_EQ((config.read16(bdf, 0x52) >> 4) & 7, 2) << "log2(4) messages enabled";
}

TEST(PciIntx, InterruptDisableIsCleared)
{
    Captured pc("pc-virtio-blk");
    constexpr Bdf blk {0, 0, 2, 0};
    PciFunction fn = pc.at(blk);
    uint16_t command = pc.config->read16(blk, 4);
    pc.config->poke16(blk, 4, uint16_t(command | 1u << 10));
    ASSERT_TRUE(rota::enable_intx(*pc.config, fn).has_value());
    EXPECT_EQ(pc.config->read16(blk, 4), command & ~(1u << 10));
    EXPECT_EQ(pc.config->writes().back().width, 2) << "a 16-bit write, not the status register too";

    pc.config->poke16(blk, 4, uint16_t(command | 1u << 10));
    pc.config->set_command_read_only(true);
    EXPECT_EQ(rota::enable_intx(*pc.config, fn).error(), Error::DeviceError);
}
