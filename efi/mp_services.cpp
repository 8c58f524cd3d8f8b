#include "efi/mp_services.h"

namespace rota::efi {

namespace {

struct MpServicesProtocol;
using GetNumberOfProcessors
    = EFI_STATUS(EFIAPI*)(MpServicesProtocol* self, UINTN* total, UINTN* enabled);

// Only the first member is used; the rest of the protocol is not declared.
struct MpServicesProtocol {
    GetNumberOfProcessors get_number_of_processors;
};

} // namespace

uint32_t count_enabled_processors(EFI_BOOT_SERVICES* bs)
{
    EFI_GUID guid = {0x3fdda605, 0xa76e, 0x4f46, {0xad, 0x29, 0x12, 0xf4, 0x53, 0x1b, 0x3d, 0x08}};
    MpServicesProtocol* mp = nullptr;
    if (EFI_ERROR(bs->LocateProtocol(&guid, nullptr, reinterpret_cast<void**>(&mp)))
        || mp == nullptr)
        return 0;
    UINTN total = 0;
    UINTN enabled = 0;
    if (EFI_ERROR(mp->get_number_of_processors(mp, &total, &enabled)))
        return 0;
    return static_cast<uint32_t>(enabled);
}

} // namespace rota::efi
