#include "core/pci/msix.h"

#include "core/pci/config_space.h"
#include "core/pci/msix_table.h"

namespace rota {

namespace {

constexpr uint16_t control_enable = 1u << 15;
constexpr uint16_t control_function_mask = 1u << 14;

// The physical address of `bytes` at `offset` in BAR `index`, if they fit.
Expected<PhysAddr> inside_bar(const PciFunction& fn, uint8_t index, uint64_t offset, uint64_t bytes)
{
    if (index >= fn.bar_count)
        return make_error(Error::Corrupt);
    const Bar& bar = fn.bars[index];
    if (!bar.is_memory() || bar.address == 0 || bar.size < bytes || offset > bar.size - bytes)
        return make_error(Error::Corrupt);
    return PhysAddr(bar.address + offset);
}

} // namespace

Expected<MsixLocation> msix_locate(const PciFunction& fn)
{
    if (!fn.capabilities.msix.has_value())
        return make_error(Error::NotFound);
    const MsixCapability& cap = *fn.capabilities.msix;
    uint64_t table_bytes = uint64_t(cap.table_size) * msix::entry_size;
    uint64_t pba_bytes = (uint64_t(cap.table_size) + 63) / 64 * 8;
    PhysAddr table = TRY(inside_bar(fn, cap.table_bar, cap.table_offset, table_bytes));
    PhysAddr pba = TRY(inside_bar(fn, cap.pba_bar, cap.pba_offset, pba_bytes));
    return MsixLocation {table, pba, cap.table_size};
}

void msix_set_control(
    ConfigSpace& config, Bdf bdf, const MsixCapability& cap, bool enable, bool function_mask)
{
    uint16_t offset = uint16_t(cap.offset + 2);
    uint16_t control = config.read16(bdf, offset);
    control = uint16_t(control & ~(control_enable | control_function_mask));
    if (enable)
        control = uint16_t(control | control_enable);
    if (function_mask)
        control = uint16_t(control | control_function_mask);
    config.write16(bdf, offset, control);
}

} // namespace rota
