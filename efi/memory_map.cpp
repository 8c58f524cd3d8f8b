#include "efi/memory_map.h"

namespace rota::efi {

EFI_STATUS allocate_memory_map(EFI_BOOT_SERVICES* bs, MemoryMapBuffer& map, UINTN slack)
{
    UINTN size = 0;
    UINTN key = 0;
    UINTN descriptor_size = 0;
    UINT32 version = 0;
    EFI_STATUS status = bs->GetMemoryMap(&size, nullptr, &key, &descriptor_size, &version);
    if (status != EFI_BUFFER_TOO_SMALL)
        return status == EFI_SUCCESS ? EFI_PROTOCOL_ERROR : status;
    if (descriptor_size < sizeof(EFI_MEMORY_DESCRIPTOR))
        return EFI_PROTOCOL_ERROR;

    UINTN capacity = size + slack * descriptor_size;
    UINTN pages = (capacity + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE;
    EFI_PHYSICAL_ADDRESS address = 0;
    status = bs->AllocatePages(AllocateAnyPages, EfiLoaderData, pages, &address);
    if (EFI_ERROR(status))
        return status;
    map.buffer = reinterpret_cast<uint8_t*>(address);
    map.capacity = pages * EFI_PAGE_SIZE;
    map.descriptor_size = descriptor_size;
    return EFI_SUCCESS;
}

ExitResult exit_boot_services(
    EFI_BOOT_SERVICES* bs, EFI_HANDLE image, MemoryMapBuffer& map, uint32_t max_attempts)
{
    EFI_STATUS status = EFI_INVALID_PARAMETER;
    uint32_t attempt = 0;
    while (attempt < max_attempts) {
        ++attempt;
        map.size = map.capacity;
        status = bs->GetMemoryMap(&map.size, reinterpret_cast<EFI_MEMORY_DESCRIPTOR*>(map.buffer),
            &map.key, &map.descriptor_size, &map.descriptor_version);
        if (EFI_ERROR(status))
            return {status, attempt};
        status = bs->ExitBootServices(image, map.key);
        // EFI_INVALID_PARAMETER: the map changed since GetMemoryMap (an event
        // fired); take it again.
        if (status != EFI_INVALID_PARAMETER)
            return {status, attempt};
    }
    return {status, attempt};
}

} // namespace rota::efi
