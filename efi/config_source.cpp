#include "efi/config_source.h"

#include "core/lib/ucs2.h"
#include "core/log/klog_sink.h"
#include "core/log/log.h"

namespace rota::efi {

namespace {

constexpr UINTN max_config_bytes = 64 * 1024;

// Reads \rota.cfg into a pool buffer; returns its length, 0 when absent.
UINTN read_config_file(EFI_BOOT_SERVICES* bs, EFI_HANDLE device, char* buffer, UINTN capacity)
{
    EFI_GUID fs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
    EFI_SIMPLE_FILE_SYSTEM_PROTOCOL* fs = nullptr;
    if (EFI_ERROR(bs->HandleProtocol(device, &fs_guid, reinterpret_cast<void**>(&fs)))) {
        klog("[config] boot volume has no file system: using defaults");
        return 0;
    }
    EFI_FILE_HANDLE root = nullptr;
    if (EFI_ERROR(fs->OpenVolume(fs, &root))) {
        klog("[config] cannot open the boot volume: using defaults");
        return 0;
    }
    EFI_FILE_HANDLE file = nullptr;
    CHAR16 name[] = {'\\', 'r', 'o', 't', 'a', '.', 'c', 'f', 'g', 0};
    EFI_STATUS status = root->Open(root, &file, name, EFI_FILE_MODE_READ, 0);
    if (EFI_ERROR(status)) {
        klog("[config] no rota.cfg on the boot volume: using defaults");
        root->Close(root);
        return 0;
    }
    UINTN total = 0;
    for (;;) {
        UINTN chunk = capacity - total;
        if (chunk == 0)
            break;
        status = file->Read(file, &chunk, buffer + total);
        if (EFI_ERROR(status) || chunk == 0)
            break;
        total += chunk;
    }
    if (total == capacity)
        klog("[config] rota.cfg is longer than %lu bytes: reading only the start", capacity);
    if (EFI_ERROR(status))
        klog("[config] reading rota.cfg failed (status 0x%lx) after %lu bytes", status, total);
    file->Close(file);
    root->Close(root);
    return total;
}

// Boot entries may carry options of any length (LoadOptionsSize is a UINT32 of
// bytes, UEFI 2.10 9.1), so the text gets a pool buffer of the size it needs,
// up to max_load_option_chars. Beyond that the options are cut, said so, and
// the option the cut falls in is dropped rather than applied in part.
void apply_options(EFI_BOOT_SERVICES* bs, EFI_LOADED_IMAGE* image, Config& config)
{
    if (image->LoadOptions == nullptr || image->LoadOptionsSize < 2)
        return;
    UINTN units = image->LoadOptionsSize / 2;
    UINTN used = units < max_load_option_chars ? units : max_load_option_chars;
    void* pool = nullptr;
    if (EFI_ERROR(bs->AllocatePool(EfiLoaderData, used + 1, &pool))) {
        klog("[config] no memory for the load options (%lu characters): ignored", units);
        return;
    }
    char* text = static_cast<char*>(pool);
    const auto* units_in = static_cast<const uint16_t*>(image->LoadOptions);
    auto converted = ucs2_to_ascii_strict(units_in, used, text, used + 1);
    // The boot manager passes binary optional data for some boot entries: only
    // text is configuration.
    if (converted.is_error()) {
        klog("[config] load options are not text (%u bytes): ignored", image->LoadOptionsSize);
        bs->FreePool(pool);
        return;
    }
    StringView options(text, converted.value());
    // Cut only if the text runs on past the limit (its NUL not yet reached).
    if (units > used && options.size() == used && units_in[used] != 0) {
        klog("[config] load options are longer than %lu characters: using the first, without "
             "the option cut there",
            max_load_option_chars);
        options = drop_cut_option(options);
    }
    apply_load_options(config, options, klog_sink());
    bs->FreePool(pool);
}

} // namespace

void load_configuration(EFI_BOOT_SERVICES* bs, EFI_LOADED_IMAGE* image, Config& config)
{
    void* pool = nullptr;
    if (EFI_ERROR(bs->AllocatePool(EfiLoaderData, max_config_bytes, &pool))) {
        klog("[config] no memory to read rota.cfg: using defaults");
    } else {
        UINTN length
            = read_config_file(bs, image->DeviceHandle, static_cast<char*>(pool), max_config_bytes);
        apply_config_file(config, StringView(static_cast<char*>(pool), length), klog_sink());
        bs->FreePool(pool);
    }
    apply_options(bs, image, config);
}

} // namespace rota::efi
