#include "core/pci/ecam_config_space.h"

#include "core/cpu/mmio_space.h"

namespace rota {

Expected<void> EcamConfigSpace::add_region(const PciEcamRegion& region)
{
    TRY(validate_ecam_region(region));
    if (m_count == max_regions)
        return make_error(Error::OutOfMemory);
    m_regions[m_count++] = region;
    return {};
}

std::optional<PhysAddr> EcamConfigSpace::address(Bdf bdf, uint16_t offset) const
{
    for (size_t i = 0; i < m_count; ++i) {
        if (auto address = ecam_address(m_regions[i], bdf, offset))
            return address;
    }
    return std::nullopt;
}

// rota runs identity mapped: the physical address is the virtual one.
uint32_t EcamConfigSpace::raw_read32(Bdf bdf, uint16_t offset) const
{
    auto target = address(bdf, offset);
    if (!target)
        return 0xffffffffu;
    return MmioSpace(VirtAddr(target->get())).read(Register<uint32_t> {0});
}

void EcamConfigSpace::raw_write32(Bdf bdf, uint16_t offset, uint32_t value)
{
    if (auto target = address(bdf, offset))
        MmioSpace(VirtAddr(target->get())).write(Register<uint32_t> {0}, value);
}

void EcamConfigSpace::raw_write16(Bdf bdf, uint16_t offset, uint16_t value)
{
    if (auto target = address(bdf, offset))
        MmioSpace(VirtAddr(target->get())).write(Register<uint16_t> {0}, value);
}

} // namespace rota
