#pragma once

// The one include of gnu-efi's headers in rota: only efi/ may include this
// file. GNU_EFI_USE_MS_ABI (set by the build) makes EFIAPI the Microsoft ABI,
// so firmware functions are called directly through the tables' pointers.
extern "C" {
#include <efi.h>
}

namespace rota::efi {

// UEFI revisions encode major.minor as (major << 16) | minor, minor being the
// decimal digits run together (2.70 is 70, 2.8 is 80).
constexpr uint32_t revision(uint32_t major, uint32_t minor)
{
    return (major << 16) | minor;
}

} // namespace rota::efi
