#pragma once

#include "core/config/config.h"
#include "efi/uefi.h"

// Where the configuration comes from (docs/configuration.md): rota.cfg at the root of
// the volume this image was loaded from, then the image's load options, which
// override it. Problems are logged as "[config]" lines; none is fatal.

namespace rota::efi {

// The most load-option characters the configuration reads.
inline constexpr UINTN max_load_option_chars = 64 * 1024;

void load_configuration(EFI_BOOT_SERVICES* boot_services, EFI_LOADED_IMAGE* image, Config& config);

} // namespace rota::efi
