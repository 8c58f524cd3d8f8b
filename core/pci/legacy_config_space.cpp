#include "core/pci/legacy_config_space.h"

#include "core/cpu/io_space.h"

namespace rota {

namespace {

constexpr PortIoSpace config_ports {0xcf8};
constexpr Register<uint32_t> config_address {0};
constexpr Register<uint32_t> config_data {4};
constexpr Register<uint16_t> config_data16(uint16_t offset)
{
    return {4u + (offset & 2u)};
}

} // namespace

Expected<void> LegacyConfigSpace::probe()
{
    SpinlockGuard guard(m_lock);
    uint32_t saved = config_ports.read(config_address);
    config_ports.write(config_address, 0x80000000u);
    uint32_t readback = config_ports.read(config_address);
    config_ports.write(config_address, saved);
    if (readback != 0x80000000u)
        return make_error(Error::Unsupported);
    return {};
}

uint32_t LegacyConfigSpace::raw_read32(Bdf bdf, uint16_t offset) const
{
    if (bdf.segment != 0)
        return 0xffffffffu;
    SpinlockGuard guard(m_lock);
    config_ports.write(config_address, legacy_config_address(bdf, offset));
    return config_ports.read(config_data);
}

void LegacyConfigSpace::raw_write32(Bdf bdf, uint16_t offset, uint32_t value)
{
    if (bdf.segment != 0)
        return;
    SpinlockGuard guard(m_lock);
    config_ports.write(config_address, legacy_config_address(bdf, offset));
    config_ports.write(config_data, value);
}

void LegacyConfigSpace::raw_write16(Bdf bdf, uint16_t offset, uint16_t value)
{
    if (bdf.segment != 0)
        return;
    SpinlockGuard guard(m_lock);
    config_ports.write(config_address, legacy_config_address(bdf, offset));
    config_ports.write(config_data16(offset), value);
}

} // namespace rota
