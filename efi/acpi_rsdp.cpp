#include "efi/acpi_rsdp.h"

#include "efi/configuration_table.h"

namespace rota::efi {

RsdpLocation find_acpi_rsdp(EFI_SYSTEM_TABLE* st)
{
    EFI_GUID acpi20 = ACPI_20_TABLE_GUID;
    EFI_GUID acpi10 = ACPI_TABLE_GUID;
    PhysAddr address = find_configuration_table(st, acpi20);
    if (!address.is_null())
        return {address, true};
    return {find_configuration_table(st, acpi10), false};
}

} // namespace rota::efi
