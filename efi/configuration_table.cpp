#include "efi/configuration_table.h"

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

PhysAddr find_configuration_table(EFI_SYSTEM_TABLE* st, const EFI_GUID& guid)
{
    for (UINTN i = 0; i < st->NumberOfTableEntries; ++i) {
        const EFI_CONFIGURATION_TABLE& entry = st->ConfigurationTable[i];
        if (same_guid(entry.VendorGuid, guid))
            return PhysAddr(reinterpret_cast<uint64_t>(entry.VendorTable));
    }
    return PhysAddr();
}

} // namespace rota::efi
