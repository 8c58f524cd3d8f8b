#include "core/pci/capability.h"

#include "core/pci/config_registers.h"
#include "core/pci/config_space.h"

namespace rota {

namespace {

// MSI-X's structure is three dwords (6.8.2); the others rota reads fit in the
// capability's first dword.
constexpr uint16_t msix_structure_size = 12;

void parse_msi(const ConfigSpace& config, Bdf bdf, uint8_t offset, CapabilityList& out)
{
    // Message control (6.8.1.3): bit 7 64-bit address, bit 8 per-vector masking,
    // bits 3:1 log2 of the vectors the function can ask for.
    uint16_t control = config.read16(bdf, offset + 2);
    MsiCapability msi;
    msi.offset = offset;
    msi.address_64bit = (control & (1u << 7)) != 0;
    msi.per_vector_masking = (control & (1u << 8)) != 0;
    uint8_t log2_vectors = (control >> 1) & 0x7;
    msi.vectors_capable = static_cast<uint8_t>(1u << (log2_vectors > 5 ? 5 : log2_vectors));
    out.msi = msi;
}

void parse_msix(const ConfigSpace& config, Bdf bdf, uint8_t offset, CapabilityList& out)
{
    // Message control bits 10:0 = table size - 1; then table and PBA
    // offset/BIR dwords, BIR in bits 2:0 (6.8.2.3-6.8.2.5).
    uint16_t control = config.read16(bdf, offset + 2);
    uint32_t table = config.read32(bdf, offset + 4);
    uint32_t pba = config.read32(bdf, offset + 8);
    MsixCapability msix;
    msix.offset = offset;
    msix.table_size = static_cast<uint16_t>((control & 0x7ff) + 1);
    msix.table_bar = static_cast<uint8_t>(table & 0x7);
    msix.table_offset = table & ~0x7u;
    msix.pba_bar = static_cast<uint8_t>(pba & 0x7);
    msix.pba_offset = pba & ~0x7u;
    out.msix = msix;
}

void parse_pcie(const ConfigSpace& config, Bdf bdf, uint8_t offset, CapabilityList& out)
{
    // PCI Express Capabilities register (PCIe Base 4.0, 7.5.3.2): bits 3:0 the
    // version, bits 7:4 the device/port type.
    uint16_t capabilities = config.read16(bdf, offset + 2);
    PcieCapability pcie;
    pcie.offset = offset;
    pcie.version = capabilities & 0xf;
    pcie.port_type = static_cast<PciePortType>((capabilities >> 4) & 0xf);
    out.pcie = pcie;
}

void copy_vendor(const ConfigSpace& config, Bdf bdf, uint8_t offset, CapabilityList& out)
{
    if (out.vendor_count == CapabilityList::max_vendor) {
        out.vendor_overflow = true;
        return;
    }
    VendorCapability& vendor = out.vendor[out.vendor_count++];
    vendor.offset = offset;
    vendor.length = config.read8(bdf, offset + 2);
    size_t room = pci::legacy_space_size - offset;
    size_t captured = vendor.length;
    if (captured > VendorCapability::max_bytes)
        captured = VendorCapability::max_bytes;
    if (captured > room)
        captured = room;
    vendor.captured = static_cast<uint8_t>(captured);
    for (size_t i = 0; i < captured; ++i)
        vendor.bytes[i] = config.read8(bdf, static_cast<uint16_t>(offset + i));
}

} // namespace

Expected<void> walk_capabilities(
    const ConfigSpace& config, Bdf bdf, uint8_t pointer_register, CapabilityList& out)
{
    out = CapabilityList {};
    if ((config.read(bdf, pci::status) & pci::status_capabilities_list) == 0)
        return {};

    // One bit per dword of the 256-byte space: a pointer seen twice is a loop.
    uint64_t visited[pci::legacy_space_size / 4 / 64] {};
    uint8_t pointer = config.read8(bdf, pointer_register) & 0xfc;
    while (pointer != 0) {
        if (pointer < pci::header_end || out.count == pci::max_capabilities)
            return make_error(Error::Corrupt);
        unsigned dword = pointer / 4;
        if (visited[dword / 64] & (1ull << (dword % 64)))
            return make_error(Error::Corrupt);
        visited[dword / 64] |= 1ull << (dword % 64);

        uint16_t header = config.read16(bdf, pointer);
        auto id = static_cast<uint8_t>(header & 0xff);
        if (id == pci::cap_msix && pointer + msix_structure_size > pci::legacy_space_size)
            return make_error(Error::Corrupt);
        out.entries[out.count++] = {id, pointer};
        switch (id) {
        case pci::cap_msi:
            parse_msi(config, bdf, pointer, out);
            break;
        case pci::cap_msix:
            parse_msix(config, bdf, pointer, out);
            break;
        case pci::cap_pci_express:
            parse_pcie(config, bdf, pointer, out);
            break;
        case pci::cap_vendor_specific:
            copy_vendor(config, bdf, pointer, out);
            break;
        default:
            break;
        }
        pointer = static_cast<uint8_t>(header >> 8) & 0xfc;
    }
    return {};
}

} // namespace rota
