#pragma once

#include "core/lib/addr.h"
#include "efi/uefi.h"

// The ACPI RSDP from the UEFI configuration table (UEFI 2.10, 4.6): the ACPI 2.0
// entry when present (it leads to the XSDT), else the 1.0 one (RSDT only).

namespace rota::efi {

struct RsdpLocation {
    PhysAddr address;
    bool version2;
};

RsdpLocation find_acpi_rsdp(EFI_SYSTEM_TABLE* system_table);

} // namespace rota::efi
