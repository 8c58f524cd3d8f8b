#include "core/pci/msi.h"

#include "core/pci/config_space.h"

namespace rota {

namespace {

// Message control (6.8.1.3): bit 0 enable, bits 6:4 log2 of the messages enabled.
constexpr uint16_t control_enable = 1u << 0;
constexpr uint16_t control_multiple_enable_mask = 0x7u << 4;

// The registers after message control move by 4 bytes with a 64-bit address
// (6.8.1, figure 6-9).
struct MsiLayout {
    uint16_t control, address_low, address_high, data, mask;
};

MsiLayout layout_of(const MsiCapability& cap)
{
    uint16_t base = cap.offset;
    if (cap.address_64bit)
        return {uint16_t(base + 2), uint16_t(base + 4), uint16_t(base + 8), uint16_t(base + 0xc),
            uint16_t(base + 0x10)};
    return {uint16_t(base + 2), uint16_t(base + 4), 0, uint16_t(base + 8), uint16_t(base + 0xc)};
}

} // namespace

Expected<void> msi_enable(ConfigSpace& config, Bdf bdf, const MsiCapability& cap,
    const MsiMessage& message, uint8_t count)
{
    if (count == 0 || (count & (count - 1)) != 0 || count > cap.vectors_capable)
        return make_error(Error::InvalidArgument);
    // A 32-bit capability cannot name an address above 4 GiB; the local APIC's is below.
    if (!cap.address_64bit && (message.address >> 32) != 0)
        return make_error(Error::InvalidArgument);
    MsiLayout at = layout_of(cap);
    uint16_t control = config.read16(bdf, at.control);
    // Disabled while the message changes, so no half-written one is sent.
    config.write16(bdf, at.control, uint16_t(control & ~control_enable));
    config.write32(bdf, at.address_low, uint32_t(message.address));
    if (cap.address_64bit)
        config.write32(bdf, at.address_high, uint32_t(message.address >> 32));
    // The data register is 16 bits; the upper half of its dword is reserved
    // (or, in newer revisions, extended data, which stays 0).
    config.write16(bdf, at.data, uint16_t(message.data));
    if (cap.per_vector_masking) {
        uint32_t wanted = count == 32 ? 0 : ~((1u << count) - 1);
        config.write32(bdf, at.mask, wanted);
    }
    uint16_t log2 = uint16_t(__builtin_ctz(count));
    control = uint16_t((control & ~control_multiple_enable_mask) | (log2 << 4) | control_enable);
    config.write16(bdf, at.control, control);
    if ((config.read16(bdf, at.control) & control_enable) == 0)
        return make_error(Error::DeviceError);
    return {};
}

void msi_disable(ConfigSpace& config, Bdf bdf, const MsiCapability& cap)
{
    MsiLayout at = layout_of(cap);
    uint16_t control = config.read16(bdf, at.control);
    config.write16(bdf, at.control, uint16_t(control & ~control_enable));
}

} // namespace rota
