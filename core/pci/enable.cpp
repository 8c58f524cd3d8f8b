#include "core/pci/enable.h"

#include "core/pci/config_registers.h"
#include "core/pci/config_space.h"

namespace rota {

Expected<void> enable_device(ConfigSpace& config, const PciFunction& fn)
{
    uint16_t wanted = pci::command_memory_space | pci::command_bus_master;
    if (fn.has_io_bars())
        wanted |= pci::command_io_space;
    uint16_t command = config.read(fn.bdf, pci::command);
    if ((command & wanted) != wanted)
        config.write(fn.bdf, pci::command, static_cast<uint16_t>(command | wanted));
    if ((config.read(fn.bdf, pci::command) & wanted) != wanted)
        return make_error(Error::DeviceError);
    return {};
}

Expected<void> enable_intx(ConfigSpace& config, const PciFunction& fn)
{
    uint16_t command = config.read(fn.bdf, pci::command);
    if ((command & pci::command_interrupt_disable) != 0)
        config.write(fn.bdf, pci::command, uint16_t(command & ~pci::command_interrupt_disable));
    if ((config.read(fn.bdf, pci::command) & pci::command_interrupt_disable) != 0)
        return make_error(Error::DeviceError);
    return {};
}

} // namespace rota
