#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/config/config.h"
#include "core/lib/expected.h"
#include "core/pci/config_space.h"
#include "core/pci/ecam_region.h"
#include "core/pci/pci_function.h"

// The kernel's PCI (docs/boot.md): enumerated once at boot, on the boot CPU,
// before any driver runs; afterwards the list is read-only and lookups need no
// lock.

namespace rota {

// Enumerates through ECAM over `ecam` (MCFG's regions), or through the legacy
// 0xCF8/0xCFC ports when there are none (or none usable), and logs one
// "[pci] 00:03.0 1af4:1050 virtio-gpu ..." line per function, then
// "[pci] functions=N buses=M access=ecam|legacy ...". With debug=dump-pci, also
// hex-dumps each function's configuration space as "pci/00:03.0" (4096 bytes
// through ECAM, 256 through the legacy ports) for tests/fixtures/capture_pci.py.
void pci_init(std::span<const PciEcamRegion> ecam, const Config& config);

std::span<const PciFunction> pci_functions();
// The nth function with this vendor and device ID, or nullptr.
const PciFunction* pci_find(uint16_t vendor_id, uint16_t device_id, size_t nth = 0);
const PciFunction* pci_find(Bdf bdf);

// The configuration space pci_init chose, for drivers (virtio's pci_cfg
// window, MSI-X set-up). Asserts that pci_init ran.
ConfigSpace& pci_config_space();

// enable_device() on the kernel's configuration space, logging a failure.
Expected<void> pci_enable_device(const PciFunction& fn);

} // namespace rota
