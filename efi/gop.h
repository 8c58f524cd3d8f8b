#pragma once

#include "core/boot_info.h"
#include "efi/uefi.h"

// The Graphics Output Protocol while it exists: pick the mode (the one the
// configuration asks for, else the display's preferred mode from EDID, else the
// firmware's current one) and record what the kernel needs to draw without it.

namespace rota::efi {

GopFramebuffer capture_gop(
    EFI_BOOT_SERVICES* boot_services, EFI_HANDLE console_out, const Config& config);

} // namespace rota::efi
