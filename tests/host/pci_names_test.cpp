#include "core/pci/pci_names.h"

#include <gtest/gtest.h>

#include <string>

#include "core/pci/function_line.h"

using rota::PciFunction;

namespace {

std::string name(uint16_t vendor, uint16_t device)
{
    const char* text = rota::virtio_device_name(vendor, device);
    return text ? text : "(null)";
}

PciFunction function(
    uint16_t vendor, uint16_t device, uint8_t class_code, uint8_t subclass, uint8_t prog_if = 0)
{
    PciFunction fn;
    fn.vendor_id = vendor;
    fn.device_id = device;
    fn.class_code = class_code;
    fn.subclass = subclass;
    fn.prog_if = prog_if;
    return fn;
}

std::string line(const PciFunction& fn)
{
    char buffer[256];
    size_t length = rota::format_function_line(fn, buffer, sizeof buffer);
    EXPECT_EQ(length, std::string(buffer).size());
    return buffer;
}

} // namespace

TEST(PciNames, VirtioModern)
{
    EXPECT_EQ(name(0x1af4, 0x1041), "virtio-net");
    EXPECT_EQ(name(0x1af4, 0x1042), "virtio-blk");
    EXPECT_EQ(name(0x1af4, 0x1043), "virtio-console");
    EXPECT_EQ(name(0x1af4, 0x1044), "virtio-rng");
    EXPECT_EQ(name(0x1af4, 0x1045), "virtio-balloon");
    EXPECT_EQ(name(0x1af4, 0x1048), "virtio-scsi");
    EXPECT_EQ(name(0x1af4, 0x1049), "virtio-9p");
    EXPECT_EQ(name(0x1af4, 0x1050), "virtio-gpu");
    EXPECT_EQ(name(0x1af4, 0x1052), "virtio-input");
    EXPECT_EQ(name(0x1af4, 0x1053), "virtio-vsock");
    EXPECT_EQ(name(0x1af4, 0x1059), "virtio-sound");
    EXPECT_EQ(name(0x1af4, 0x104f), "virtio") << "a type rota has no name for";
}

TEST(PciNames, VirtioTransitional)
{
    EXPECT_EQ(name(0x1af4, 0x1000), "virtio-net-transitional");
    EXPECT_EQ(name(0x1af4, 0x1001), "virtio-blk-transitional");
    EXPECT_EQ(name(0x1af4, 0x1002), "virtio-balloon-transitional");
    EXPECT_EQ(name(0x1af4, 0x1003), "virtio-console-transitional");
    EXPECT_EQ(name(0x1af4, 0x1004), "virtio-scsi-transitional");
    EXPECT_EQ(name(0x1af4, 0x1005), "virtio-rng-transitional");
    EXPECT_EQ(name(0x1af4, 0x1009), "virtio-9p-transitional");
    EXPECT_EQ(name(0x1af4, 0x103f), "virtio-transitional");
}

TEST(PciNames, NotVirtio)
{
    EXPECT_EQ(name(0x1af4, 0x1100), "(null)"); // QEMU's subsystem ID, not a device
    EXPECT_EQ(name(0x1af4, 0x0fff), "(null)");
    EXPECT_EQ(name(0x8086, 0x1042), "(null)");
}

TEST(PciNames, ByVendorAndClass)
{
    EXPECT_STREQ(rota::pci_function_name(function(0x1234, 0x1111, 0x03, 0x00)), "vga-std");
    EXPECT_STREQ(rota::pci_function_name(function(0x1234, 0x1111, 0x03, 0x80)), "bochs-display");
    EXPECT_STREQ(rota::pci_function_name(function(0x8086, 0x29c0, 0x06, 0x00)), "host-bridge");
    EXPECT_STREQ(rota::pci_function_name(function(0x8086, 0x2918, 0x06, 0x01)), "isa-bridge");
    EXPECT_STREQ(rota::pci_function_name(function(0x8086, 0x2922, 0x01, 0x06, 0x01)), "ahci");
    EXPECT_STREQ(rota::pci_function_name(function(0x8086, 0x2930, 0x0c, 0x05)), "smbus");
    EXPECT_STREQ(rota::pci_function_name(function(0x1b36, 0x000d, 0x0c, 0x03, 0x30)), "xhci");
    EXPECT_STREQ(rota::pci_function_name(function(0x8086, 0x7010, 0x01, 0x01, 0x80)), "ide");
    EXPECT_STREQ(rota::pci_function_name(function(0x8086, 0x7113, 0x06, 0x80)), "piix4-pm-smbus");
    EXPECT_STREQ(rota::pci_function_name(function(0x1b36, 0x0001, 0x06, 0x04)), "pci-bridge");
    EXPECT_STREQ(rota::pci_function_name(function(0x144d, 0xa808, 0x01, 0x08, 0x02)), "nvme");
    EXPECT_STREQ(rota::pci_function_name(function(0x8086, 0x100e, 0x02, 0x00)), "ethernet");
    EXPECT_STREQ(rota::pci_function_name(function(0x1234, 0x0001, 0xfe, 0x00)), "other");
}

TEST(PciNames, PciePortsByTheirCapability)
{
    PciFunction fn = function(0x1b36, 0x000c, 0x06, 0x04);
    fn.capabilities.pcie = rota::PcieCapability {0x54, 2, rota::PciePortType::RootPort};
    EXPECT_STREQ(rota::pci_function_name(fn), "pcie-root-port");
    fn.capabilities.pcie->port_type = rota::PciePortType::SwitchDownstream;
    EXPECT_STREQ(rota::pci_function_name(fn), "pcie-switch-downstream");
}

TEST(PciFunctionLine, EndpointWithBars)
{
    PciFunction fn = function(0x1af4, 0x1050, 0x03, 0x00);
    fn.bdf = {0, 0, 3, 0};
    fn.bar_count = 6;
    fn.bars[1] = {rota::BarKind::Memory32, false, 0xc1a00000, 0x1000};
    fn.bars[4] = {rota::BarKind::Memory64, true, 0x800000000, 0x4000};
    EXPECT_EQ(line(fn),
        "00:03.0 1af4:1050 virtio-gpu class=0300 bar1=mem32:0xc1a00000/0x1000 "
        "bar4=mem64p:0x800000000/0x4000");
}

TEST(PciFunctionLine, BridgeAndErrorsAndSegment)
{
    PciFunction fn = function(0x1b36, 0x000c, 0x06, 0x04);
    fn.bdf = {1, 0, 0x1c, 2};
    fn.header_type = 1;
    fn.bar_count = 2;
    fn.bars[0] = {rota::BarKind::Io, false, 0x1000, 0x20};
    fn.secondary_bus = 1;
    fn.subordinate_bus = 3;
    fn.bridge_scan = rota::BridgeScan::AlreadyScanned;
    fn.capability_error = rota::Error::Corrupt;
    EXPECT_EQ(line(fn),
        "0001:00:1c.2 1b36:000c pci-bridge class=0604 bar0=io:0x1000/0x20 secondary=01 "
        "subordinate=03 scan=already-scanned caps=corrupt");
}

TEST(PciFunctionLine, TruncatesToTheBuffer)
{
    PciFunction fn = function(0x1af4, 0x1050, 0x03, 0x00);
    char buffer[12];
    size_t length = rota::format_function_line(fn, buffer, sizeof buffer);
    EXPECT_EQ(length, 11u);
    EXPECT_STREQ(buffer, "00:00.0 1af");
}
