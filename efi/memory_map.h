#pragma once

#include "efi/uefi.h"

// The final memory map and ExitBootServices (UEFI 2.10, 7.4). The buffer is
// allocated once with room to spare: after the first ExitBootServices call only
// GetMemoryMap and ExitBootServices may be called, so a retry must not allocate.

namespace rota::efi {

struct MemoryMapBuffer {
    uint8_t* buffer {nullptr};
    UINTN capacity {0};
    UINTN size {0};
    UINTN key {0};
    UINTN descriptor_size {0};
    UINT32 descriptor_version {0};
};

// Allocates (EfiLoaderData) a buffer for the current map plus `slack`
// descriptors, for the allocations still to come and for map growth.
EFI_STATUS allocate_memory_map(EFI_BOOT_SERVICES* boot_services, MemoryMapBuffer& map, UINTN slack);

struct ExitResult {
    EFI_STATUS status;
    uint32_t attempts;
};

// Takes the map and exits boot services, retrying with a fresh map while the
// key is stale (EFI_INVALID_PARAMETER), at most `max_attempts` times. Calls
// nothing but GetMemoryMap and ExitBootServices, and prints nothing.
ExitResult exit_boot_services(EFI_BOOT_SERVICES* boot_services, EFI_HANDLE image,
    MemoryMapBuffer& map, uint32_t max_attempts);

} // namespace rota::efi
