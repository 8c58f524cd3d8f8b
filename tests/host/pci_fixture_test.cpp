// Enumeration replayed over configuration spaces captured from QEMU 7.2 + OVMF
// (tests/fixtures/capture_pci.py). The capture itself checked the kernel's BARs
// against QEMU's query-pci; these tests check that the host build of the same
// code reaches the same answer from the snapshots, and what it finds.

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "core/pci/enumerate.h"
#include "core/pci/function_line.h"
#include "core/pci/pci_names.h"
#include "pci_fixture.h"

using pci_test::Fixture;
using pci_test::load_fixture;
using rota::BarKind;
using rota::Bdf;
using rota::PciFunction;
using rota::PciFunctionList;

namespace {

struct Enumerated {
    Fixture fixture;
    std::unique_ptr<pci_test::FakeConfigSpace> config;
    std::unique_ptr<PciFunctionList> list;
    rota::EnumerationStats stats;

    const PciFunction& at(Bdf bdf) const
    {
        const PciFunction* fn = list->find(bdf);
        if (fn == nullptr)
            throw std::runtime_error("no function " + std::string(rota::bdf_text(bdf).text));
        return *fn;
    }
};

Enumerated enumerate(const std::string& name)
{
    Enumerated e {load_fixture(name), nullptr, std::make_unique<PciFunctionList>(), {}};
    e.config = e.fixture.config_space();
    rota::BusRange root {0, 0, 255};
    e.stats = rota::enumerate_pci(*e.config, std::span(&root, 1), *e.list);
    return e;
}

std::vector<std::string> names(const Enumerated& e)
{
    std::vector<std::string> out;
    for (const PciFunction& fn : e.list->functions())
        out.push_back(std::string(rota::bdf_text(fn.bdf).text) + " " + rota::pci_function_name(fn));
    return out;
}

// The virtio structures' cfg_types (virtio 1.2, 4.1.4: byte 3 of virtio_pci_cap).
std::set<int> virtio_cfg_types(const PciFunction& fn)
{
    std::set<int> types;
    for (uint8_t i = 0; i < fn.capabilities.vendor_count; ++i)
        types.insert(fn.capabilities.vendor[i].bytes[3]);
    return types;
}

const rota::VendorCapability* virtio_cap(const PciFunction& fn, int cfg_type)
{
    for (uint8_t i = 0; i < fn.capabilities.vendor_count; ++i) {
        if (fn.capabilities.vendor[i].bytes[3] == cfg_type)
            return &fn.capabilities.vendor[i];
    }
    return nullptr;
}

uint32_t le32(const uint8_t* bytes)
{
    return bytes[0] | bytes[1] << 8 | bytes[2] << 16 | uint32_t(bytes[3]) << 24;
}

void expect_modern_virtio_caps(const PciFunction& fn, uint8_t structures_bar)
{
    EXPECT_EQ(virtio_cfg_types(fn), (std::set<int> {1, 2, 3, 4, 5}));
    EXPECT_FALSE(fn.capability_error.has_value());
    const rota::VendorCapability* notify = virtio_cap(fn, 2);
    ASSERT_NE(notify, nullptr);
    EXPECT_EQ(notify->length, 20);
    EXPECT_EQ(notify->captured, 20);
    EXPECT_EQ(notify->bytes[4], structures_bar);
    EXPECT_EQ(le32(notify->bytes + 8), 0x3000u);
    EXPECT_EQ(le32(notify->bytes + 12), 0x1000u);
    EXPECT_EQ(le32(notify->bytes + 16), 4u) << "notify_off_multiplier";
    const rota::VendorCapability* common = virtio_cap(fn, 1);
    ASSERT_NE(common, nullptr);
    EXPECT_EQ(common->length, 16);
    EXPECT_EQ(common->bytes[4], structures_bar);
}

const char* const all_fixtures[] = {
    "q35-virtio-gpu",
    "q35-virtio-vga",
    "q35-virtio-blk",
    "q35-root-port",
    "pc-virtio-blk",
    "pc-virtio-blk-legacy-only",
};

class PciFixtureAll : public testing::TestWithParam<const char*> { };

} // namespace

// The host replay prints exactly the lines the kernel printed in QEMU.
TEST_P(PciFixtureAll, SameLinesAsTheKernel)
{
    Enumerated e = enumerate(GetParam());
    std::vector<std::string> lines;
    for (const PciFunction& fn : e.list->functions()) {
        char line[256];
        rota::format_function_line(fn, line, sizeof line);
        lines.push_back(line);
    }
    EXPECT_EQ(lines, e.fixture.lines);
    char summary[128];
    std::snprintf(summary, sizeof summary, "functions=%u buses=%u access=%s bridges=%u",
        e.stats.functions, e.stats.buses, e.fixture.access.c_str(), e.stats.bridges_followed);
    EXPECT_EQ(e.fixture.summary.rfind(summary, 0), 0u) << e.fixture.summary;
}

// BAR sizing wrote only BARs and the command register, with decode off (host
// bridges aside), and left every byte as the firmware had it.
TEST_P(PciFixtureAll, EnumerationRestoresEverything)
{
    Enumerated e = enumerate(GetParam());
    for (const auto& [bdf, bytes] : e.fixture.functions)
        EXPECT_EQ(e.config->bytes(bdf), bytes) << rota::bdf_text(bdf).text;
    for (const pci_test::ConfigWrite& write : e.config->writes()) {
        const PciFunction& fn = e.at(write.bdf);
        if (write.offset == 0x04)
            continue;
        EXPECT_GE(write.offset, 0x10);
        EXPECT_LT(write.offset, 0x10 + 4 * fn.bar_count);
        bool host_bridge = fn.class_code == 0x06 && fn.subclass == 0x00;
        if (!host_bridge) {
            EXPECT_EQ(write.command_before & 0x3, 0) << rota::bdf_text(write.bdf).text;
        }
    }
}

// Every BAR QEMU reported, decoded with QEMU's kind, address and size; no others.
TEST_P(PciFixtureAll, BarsAsQemuReports)
{
    Enumerated e = enumerate(GetParam());
    size_t present = 0;
    for (const PciFunction& fn : e.list->functions()) {
        for (unsigned i = 0; i < fn.bar_count; ++i)
            present += fn.bars[i].present();
    }
    EXPECT_EQ(present, e.fixture.bars.size());
    for (const pci_test::FixtureBar& expected : e.fixture.bars) {
        const rota::Bar& bar = e.at(expected.bdf).bars[expected.index];
        EXPECT_EQ(rota::bar_kind_name(bar), expected.kind);
        EXPECT_EQ(bar.address, expected.address);
        EXPECT_EQ(bar.size, expected.size);
    }
}

INSTANTIATE_TEST_SUITE_P(Captured, PciFixtureAll, testing::ValuesIn(all_fixtures),
    [](const testing::TestParamInfo<const char*>& param) {
        std::string name = param.param;
        for (char& c : name) {
            if (c == '-')
                c = '_';
        }
        return name;
    });

TEST(PciFixture, Q35VirtioGpu)
{
    Enumerated e = enumerate("q35-virtio-gpu");
    EXPECT_EQ(e.fixture.space, 4096);
    EXPECT_EQ(names(e),
        (std::vector<std::string> {"00:00.0 host-bridge", "00:01.0 virtio-gpu",
            "00:1f.0 isa-bridge", "00:1f.2 ahci", "00:1f.3 smbus"}));
    EXPECT_EQ(e.stats.buses, 1u);
    const PciFunction& gpu = e.at({0, 0, 1, 0});
    EXPECT_EQ(gpu.vendor_id, 0x1af4);
    EXPECT_EQ(gpu.device_id, 0x1050);
    EXPECT_EQ(gpu.class_code, 0x03);
    EXPECT_EQ(gpu.subclass, 0x80);
    EXPECT_EQ(gpu.bars[1].kind, BarKind::Memory32);
    EXPECT_EQ(gpu.bars[1].size, 0x1000u);
    EXPECT_EQ(gpu.bars[4].kind, BarKind::Memory64);
    EXPECT_TRUE(gpu.bars[4].prefetchable);
    EXPECT_EQ(gpu.bars[4].address, 0xe000000000u);
    EXPECT_EQ(gpu.bars[4].size, 0x4000u);
    EXPECT_FALSE(gpu.bars[5].present());
    expect_modern_virtio_caps(gpu, 4);
    ASSERT_TRUE(gpu.capabilities.msix.has_value());
    EXPECT_EQ(gpu.capabilities.msix->table_size, 3);
    EXPECT_EQ(gpu.capabilities.msix->table_bar, 1);
    EXPECT_EQ(gpu.capabilities.msix->pba_offset, 0x800u);
    EXPECT_FALSE(gpu.capabilities.pcie.has_value()) << "on the root bus it is conventional PCI";
    EXPECT_FALSE(gpu.has_io_bars());

    const PciFunction& ahci = e.at({0, 0, 0x1f, 2});
    ASSERT_TRUE(ahci.capabilities.msi.has_value());
    EXPECT_TRUE(ahci.capabilities.msi->address_64bit);
    EXPECT_TRUE(ahci.capabilities.has(0x12)) << "SATA capability";
    EXPECT_TRUE(e.at({0, 0, 0x1f, 0}).multifunction);
}

TEST(PciFixture, Q35VirtioVgaKeepsItsStructuresInBar2)
{
    Enumerated e = enumerate("q35-virtio-vga");
    const PciFunction& vga = e.at({0, 0, 1, 0});
    EXPECT_STREQ(rota::pci_function_name(vga), "virtio-gpu");
    EXPECT_EQ(vga.class_code, 0x03);
    EXPECT_EQ(vga.subclass, 0x00);
    EXPECT_EQ(vga.bars[0].kind, BarKind::Memory32);
    EXPECT_TRUE(vga.bars[0].prefetchable);
    EXPECT_EQ(vga.bars[0].size, 0x800000u) << "the VGA framebuffer";
    EXPECT_EQ(vga.bars[2].kind, BarKind::Memory64);
    EXPECT_EQ(vga.bars[2].size, 0x4000u);
    EXPECT_FALSE(vga.bars[3].present());
    EXPECT_EQ(vga.bars[4].kind, BarKind::Memory32);
    EXPECT_EQ(vga.capabilities.msix->table_bar, 4);
    expect_modern_virtio_caps(vga, 2);
    // Here the common configuration does not start the BAR (it follows the VGA registers).
    EXPECT_EQ(le32(virtio_cap(vga, 1)->bytes + 8), 0x1000u);
}

TEST(PciFixture, Q35TransitionalVirtioBlk)
{
    Enumerated e = enumerate("q35-virtio-blk");
    const PciFunction& blk = e.at({0, 0, 1, 0});
    EXPECT_STREQ(rota::pci_function_name(blk), "virtio-blk-transitional");
    EXPECT_EQ(blk.device_id, 0x1001);
    EXPECT_EQ(blk.bars[0].kind, BarKind::Io);
    EXPECT_EQ(blk.bars[0].size, 0x80u);
    EXPECT_EQ(blk.bars[4].kind, BarKind::Memory64);
    EXPECT_EQ(blk.bars[4].size, 0x4000u);
    EXPECT_TRUE(blk.has_io_bars());
    expect_modern_virtio_caps(blk, 4);
}

TEST(PciFixture, Q35RootPortWithVirtioBlkBehindIt)
{
    Enumerated e = enumerate("q35-root-port");
    EXPECT_EQ(names(e),
        (std::vector<std::string> {"00:00.0 host-bridge", "00:01.0 pcie-root-port",
            "00:1f.0 isa-bridge", "00:1f.2 ahci", "00:1f.3 smbus", "01:00.0 virtio-blk"}));
    EXPECT_EQ(e.stats.buses, 2u);
    EXPECT_EQ(e.stats.bridges_followed, 1u);

    const PciFunction& port = e.at({0, 0, 1, 0});
    EXPECT_TRUE(port.is_bridge());
    EXPECT_EQ(port.bar_count, 2);
    EXPECT_EQ(port.secondary_bus, 1);
    EXPECT_EQ(port.subordinate_bus, 1);
    EXPECT_EQ(port.bridge_scan, rota::BridgeScan::Followed);
    ASSERT_TRUE(port.capabilities.pcie.has_value());
    EXPECT_EQ(port.capabilities.pcie->port_type, rota::PciePortType::RootPort);
    EXPECT_EQ(port.capabilities.pcie->version, 2);
    EXPECT_EQ(port.bars[0].size, 0x1000u);

    const PciFunction& blk = e.at({0, 1, 0, 0});
    EXPECT_EQ(blk.device_id, 0x1042) << "behind a PCIe port virtio is modern-only";
    EXPECT_FALSE(blk.has_io_bars());
    ASSERT_TRUE(blk.capabilities.pcie.has_value());
    EXPECT_EQ(blk.capabilities.pcie->port_type, rota::PciePortType::Endpoint);
    EXPECT_TRUE(blk.capabilities.has(0x01)) << "power management";
    EXPECT_EQ(blk.capabilities.count, 8);
    expect_modern_virtio_caps(blk, 4);
}

TEST(PciFixture, PcThroughLegacyPorts)
{
    Enumerated e = enumerate("pc-virtio-blk");
    EXPECT_EQ(e.fixture.space, 256);
    EXPECT_EQ(e.fixture.access, "legacy");
    EXPECT_EQ(names(e),
        (std::vector<std::string> {"00:00.0 host-bridge", "00:01.0 isa-bridge", "00:01.1 ide",
            "00:01.3 piix4-pm-smbus", "00:02.0 virtio-blk-transitional"}));
    const PciFunction& blk = e.at({0, 0, 2, 0});
    expect_modern_virtio_caps(blk, 4);
    EXPECT_EQ(blk.bars[0].size, 0x80u);
    EXPECT_EQ(blk.bars[4].size, 0x4000u);
}

TEST(PciFixture, LegacyOnlyVirtioHasNoModernStructures)
{
    Enumerated e = enumerate("pc-virtio-blk-legacy-only");
    const PciFunction& blk = e.at({0, 0, 2, 0});
    EXPECT_STREQ(rota::pci_function_name(blk), "virtio-blk-transitional");
    EXPECT_EQ(blk.capabilities.vendor_count, 0);
    EXPECT_EQ(blk.capabilities.count, 1);
    EXPECT_TRUE(blk.capabilities.msix.has_value());
    EXPECT_EQ(blk.bars[0].kind, BarKind::Io);
    EXPECT_FALSE(blk.bars[4].present());
}

// A captured function whose capability list is then corrupted: a loop back to
// the first virtio capability keeps what was found before.
TEST(PciFixture, CorruptedCapturedListKeepsTheCapabilitiesBefore)
{
    Fixture fixture = load_fixture("q35-virtio-gpu");
    auto config = fixture.config_space();
    Bdf gpu {0, 0, 1, 0};
    config->poke8(gpu, 0x60 + 1, 0x84); // cfg_type 4 -> back to the pci_cfg capability at 0x84
    rota::CapabilityList list;
    auto result = rota::walk_capabilities(*config, gpu, 0x34, list);
    ASSERT_TRUE(result.is_error());
    EXPECT_EQ(result.error(), rota::Error::Corrupt);
    EXPECT_EQ(list.count, 4); // MSI-X, pci_cfg, notify, device
    EXPECT_TRUE(list.msix.has_value());
    EXPECT_EQ(list.vendor_count, 3);
}
