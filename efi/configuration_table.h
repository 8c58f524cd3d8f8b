#pragma once

#include "core/lib/addr.h"
#include "efi/uefi.h"

// The UEFI configuration table (UEFI 2.10, 4.6): GUID-tagged pointers the
// firmware publishes in the system table (ACPI, the memory attributes table).

namespace rota::efi {

// The table published under `guid`, or null when there is none.
PhysAddr find_configuration_table(EFI_SYSTEM_TABLE* system_table, const EFI_GUID& guid);

} // namespace rota::efi
