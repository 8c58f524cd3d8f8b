#include "efi/runtime.h"

#include "core/power.h"

namespace rota::efi {

namespace {

constinit EFI_RUNTIME_SERVICES* g_runtime = nullptr;

void reset_through_firmware(ResetKind kind)
{
    if (g_runtime == nullptr)
        return;
    EFI_RESET_TYPE type = kind == ResetKind::Shutdown ? EfiResetShutdown : EfiResetCold;
    g_runtime->ResetSystem(type, EFI_SUCCESS, 0, nullptr);
}

} // namespace

void runtime_init(EFI_RUNTIME_SERVICES* runtime_services)
{
    g_runtime = runtime_services;
    power_set_firmware_reset(reset_through_firmware);
}

} // namespace rota::efi
