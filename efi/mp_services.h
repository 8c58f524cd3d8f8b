#pragma once

#include "efi/uefi.h"

// How many processors the firmware knows and has enabled, from
// EFI_MP_SERVICES_PROTOCOL (UEFI PI 1.7, vol. 2, 13.4), which gnu-efi does not
// declare. Used only for the first boot line; the kernel's own count comes from
// the ACPI MADT.

namespace rota::efi {

// 0 when the firmware has no MP services.
uint32_t count_enabled_processors(EFI_BOOT_SERVICES* boot_services);

} // namespace rota::efi
