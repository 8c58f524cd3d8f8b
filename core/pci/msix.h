#pragma once

#include <cstdint>

#include "core/lib/addr.h"
#include "core/lib/expected.h"
#include "core/pci/pci_function.h"

// MSI-X set-up through the configuration space (PCI Local Bus 3.0, 6.8.2):
// where the table and pending-bit array are, and the two switches in message
// control. Programming the entries is core/pci/msix_table.h.
//
// The order that keeps a half-programmed table from sending anything
// (6.8.2.3, and Linux's msix_capability_init): enable MSI-X with the function
// masked, program and unmask the entries, then lift the function mask.

namespace rota {

class ConfigSpace;

struct MsixLocation {
    PhysAddr table;
    PhysAddr pba;
    uint16_t size; // entries
};

// The table and PBA of `fn`'s MSI-X capability, from its BARs. The capability
// is device input: a reserved BIR (6 or 7), a BAR that is absent, an I/O BAR,
// one the firmware left unassigned, or a table or PBA that runs past the end
// of its BAR is Error::Corrupt.
Expected<MsixLocation> msix_locate(const PciFunction& fn);

// Writes message control: MSI-X Enable (bit 15) and Function Mask (bit 14),
// keeping the read-only table size bits as read.
void msix_set_control(
    ConfigSpace& config, Bdf bdf, const MsixCapability& cap, bool enable, bool function_mask);

} // namespace rota
