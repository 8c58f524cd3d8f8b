#pragma once

#include "core/lib/expected.h"
#include "core/pci/pci_function.h"

namespace rota {

class ConfigSpace;

// Lets a function decode its BARs and master the bus (PCI Local Bus 3.0, 6.2.2):
// memory space, I/O space when it has I/O BARs, and bus master. For devices a
// driver takes only: enumeration enables nothing. Error::DeviceError when the
// command register does not keep the bits.
Expected<void> enable_device(ConfigSpace& config, const PciFunction& fn);

// Lets the function assert its INTx pin: clears Interrupt Disable (command
// bit 10, PCI Local Bus 3.0 6.2.2), which firmware may leave set.
// Error::DeviceError when the bit does not clear.
Expected<void> enable_intx(ConfigSpace& config, const PciFunction& fn);

} // namespace rota
