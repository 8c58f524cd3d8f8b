#include "virtio/transport/pci_capability.h"

#include <cstddef>

namespace rota::virtio {

namespace {

constexpr uint8_t vendor_specific_id = 0x09;

uint32_t read_le32(std::span<const uint8_t> bytes, size_t offset)
{
    return uint32_t(bytes[offset]) | uint32_t(bytes[offset + 1]) << 8
        | uint32_t(bytes[offset + 2]) << 16 | uint32_t(bytes[offset + 3]) << 24;
}

struct Candidate {
    PciCapType type;
    uint8_t bar;
    uint32_t offset;
    uint32_t length;
    uint32_t notify_off_multiplier;
};

// The alignment 4.1.4.3 to 4.1.4.6 require of each structure's offset.
uint32_t required_alignment(PciCapType type)
{
    switch (type) {
    case PciCapType::Common:
    case PciCapType::Device:
        return 4;
    case PciCapType::Notify:
        return 2;
    default:
        return 1;
    }
}

uint32_t minimum_length(PciCapType type)
{
    switch (type) {
    case PciCapType::Common:
        return min_common_length;
    case PciCapType::Notify:
        return min_notify_length;
    case PciCapType::Isr:
        return min_isr_length;
    default:
        return 1;
    }
}

// The region a structure capability describes, if rota can use it: a memory
// BAR the firmware assigned, an aligned offset, a length at least the minimum
// and the whole structure inside the BAR (4.1.4: the driver MUST ignore a
// reserved bar value; 4.1.4.1: it uses the first instance it can support).
bool usable(const Candidate& c, const VirtioPciResources& resources, Region& out)
{
    if (c.bar >= resources.bars.size())
        return false;
    const BarWindow& bar = resources.bars[c.bar];
    if (!bar.memory || bar.address == 0 || bar.size == 0)
        return false;
    // A window past the top of the address space (a device whose BAR keeps
    // address bits below its size) would give regions that wrap to low memory.
    if (bar.size - 1 > UINT64_MAX - bar.address)
        return false;
    if (c.offset % required_alignment(c.type) != 0 || c.length < minimum_length(c.type))
        return false;
    if (uint64_t(c.offset) + c.length > bar.size)
        return false;
    if (c.type == PciCapType::Notify
        && (c.notify_off_multiplier & (c.notify_off_multiplier - 1)) != 0)
        return false; // 4.1.4.4: an even power of two, or 0
    out = Region {PhysAddr(bar.address + c.offset), c.length};
    return true;
}

} // namespace

Expected<VirtioPciLayout> parse_virtio_pci_capabilities(const VirtioPciResources& resources)
{
    VirtioPciLayout layout;
    bool saw_common = false;
    bool saw_notify = false;
    for (const RawCapability& raw : resources.capabilities) {
        std::span<const uint8_t> bytes = raw.bytes;
        if (bytes.size() < sizeof(VirtioPciCap) || bytes[0] != vendor_specific_id) {
            ++layout.skipped;
            continue;
        }
        uint8_t cap_len = bytes[2];
        auto type = static_cast<PciCapType>(bytes[3]);
        // 4.1.4: cap_len covers the structure and its extra data; larger is allowed.
        size_t needed = type == PciCapType::Notify ? sizeof(VirtioPciNotifyCap)
            : type == PciCapType::PciCfg           ? sizeof(VirtioPciCap) + 4
                                                   : sizeof(VirtioPciCap);
        if (cap_len < needed || bytes.size() < needed) {
            ++layout.skipped;
            continue;
        }
        Candidate c {type, bytes[4], read_le32(bytes, 8), read_le32(bytes, 12),
            type == PciCapType::Notify ? read_le32(bytes, 16) : 0};
        Region region;
        switch (type) {
        case PciCapType::Common:
            saw_common = true;
            if (layout.common.present())
                continue;
            if (usable(c, resources, region))
                layout.common = region;
            else
                ++layout.skipped;
            break;
        case PciCapType::Notify:
            saw_notify = true;
            if (layout.notify.present())
                continue;
            if (usable(c, resources, region)) {
                layout.notify = region;
                layout.notify_off_multiplier = c.notify_off_multiplier;
            } else {
                ++layout.skipped;
            }
            break;
        case PciCapType::Isr:
            if (layout.isr.present())
                continue;
            if (usable(c, resources, region))
                layout.isr = region;
            else
                ++layout.skipped;
            break;
        case PciCapType::Device:
            if (layout.device.present())
                continue;
            if (usable(c, resources, region))
                layout.device = region;
            else
                ++layout.skipped;
            break;
        case PciCapType::PciCfg:
            // Its bar/offset/length are a window the driver programs, not a region.
            if (layout.pci_cfg_offset == 0)
                layout.pci_cfg_offset = raw.config_offset;
            break;
        default:
            // 4.1.4.1: reserved cfg_type values (and shared memory, vendor data) are ignored.
            break;
        }
    }
    if (!saw_common)
        return make_error(Error::Unsupported);
    if (!layout.common.present() || !saw_notify || !layout.notify.present())
        return make_error(Error::Corrupt);
    return layout;
}

} // namespace rota::virtio
