#pragma once

#include "efi/uefi.h"

// The runtime services the kernel keeps using after ExitBootServices. rota never
// calls SetVirtualAddressMap: the firmware's identity mapping stays, so the
// runtime services table is called at its physical address.

namespace rota::efi {

void runtime_init(EFI_RUNTIME_SERVICES* runtime_services);

} // namespace rota::efi
