#pragma once

#include <cstdint>

#include "core/pci/pci_function.h"

// Short names for the `[pci]` lines (docs/serial.md): the devices rota drives or
// meets under QEMU by vendor:device, everything else by class (PCI Code and ID
// Assignment 1.11, appendix D). Always a static string.

namespace rota {

// virtio devices (virtio 1.2, 4.1.2.1 and 4.1.2.3): modern 1af4:1040 + device
// type, transitional 1af4:1000-103f. nullptr when `device_id` is not virtio's.
const char* virtio_device_name(uint16_t vendor_id, uint16_t device_id);

// The class's name ("host-bridge", "ahci", "xhci", ...); never nullptr.
const char* pci_class_name(uint8_t class_code, uint8_t subclass, uint8_t prog_if);

const char* pci_function_name(const PciFunction& fn);

} // namespace rota
