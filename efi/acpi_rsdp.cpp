#include "efi/acpi_rsdp.h"

namespace rota::efi {

namespace {

bool same_guid(const EFI_GUID& a, const EFI_GUID& b)
{
    const auto* x = reinterpret_cast<const uint8_t*>(&a);
    const auto* y = reinterpret_cast<const uint8_t*>(&b);
    for (UINTN i = 0; i < sizeof(EFI_GUID); ++i) {
        if (x[i] != y[i])
            return false;
    }
    return true;
}

} // namespace

RsdpLocation find_acpi_rsdp(EFI_SYSTEM_TABLE* st)
{
    EFI_GUID acpi20 = ACPI_20_TABLE_GUID;
    EFI_GUID acpi10 = ACPI_TABLE_GUID;
    RsdpLocation found {PhysAddr(), false};
    for (UINTN i = 0; i < st->NumberOfTableEntries; ++i) {
        const EFI_CONFIGURATION_TABLE& entry = st->ConfigurationTable[i];
        auto address = PhysAddr(reinterpret_cast<uint64_t>(entry.VendorTable));
        if (same_guid(entry.VendorGuid, acpi20))
            return {address, true};
        if (same_guid(entry.VendorGuid, acpi10))
            found = {address, false};
    }
    return found;
}

} // namespace rota::efi
