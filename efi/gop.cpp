#include "efi/gop.h"

#include "core/display/edid.h"
#include "core/log/log.h"

namespace rota::efi {

namespace {

EFI_GRAPHICS_OUTPUT_PROTOCOL* find_gop(
    EFI_BOOT_SERVICES* bs, EFI_HANDLE console_out, EFI_HANDLE& handle)
{
    EFI_GUID gop_guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
    EFI_GRAPHICS_OUTPUT_PROTOCOL* gop = nullptr;
    // The console's own GOP is the screen the user sees; on a machine with
    // several outputs LocateProtocol may return another.
    if (console_out != nullptr
        && !EFI_ERROR(bs->HandleProtocol(console_out, &gop_guid, reinterpret_cast<void**>(&gop)))) {
        handle = console_out;
        return gop;
    }
    if (EFI_ERROR(bs->LocateProtocol(&gop_guid, nullptr, reinterpret_cast<void**>(&gop))))
        return nullptr;
    handle = nullptr;
    return gop;
}

std::optional<DisplayMode> preferred_mode_from_edid(EFI_BOOT_SERVICES* bs, EFI_HANDLE handle)
{
    if (handle == nullptr)
        return std::nullopt;
    EFI_GUID guids[] = {EFI_EDID_ACTIVE_PROTOCOL_GUID, EFI_EDID_DISCOVERED_PROTOCOL_GUID};
    for (EFI_GUID& guid : guids) {
        EFI_EDID_ACTIVE_PROTOCOL* edid = nullptr;
        if (EFI_ERROR(bs->HandleProtocol(handle, &guid, reinterpret_cast<void**>(&edid)))
            || edid == nullptr)
            continue;
        if (auto mode = edid_preferred_mode(std::span(edid->Edid, edid->SizeOfEdid)))
            return mode;
    }
    return std::nullopt;
}

// Switches to a mode of exactly `wanted` size; false if the GOP has none.
bool set_mode(EFI_GRAPHICS_OUTPUT_PROTOCOL* gop, DisplayMode wanted)
{
    for (UINT32 number = 0; number < gop->Mode->MaxMode; ++number) {
        UINTN size = 0;
        EFI_GRAPHICS_OUTPUT_MODE_INFORMATION* info = nullptr;
        if (EFI_ERROR(gop->QueryMode(gop, number, &size, &info)))
            continue;
        if (info->HorizontalResolution == wanted.width && info->VerticalResolution == wanted.height)
            return number == gop->Mode->Mode || !EFI_ERROR(gop->SetMode(gop, number));
    }
    return false;
}

PixelFormat format_of(EFI_GRAPHICS_PIXEL_FORMAT format)
{
    switch (format) {
    case PixelBlueGreenRedReserved8BitPerColor:
        return PixelFormat::Bgrx;
    case PixelRedGreenBlueReserved8BitPerColor:
        return PixelFormat::Rgbx;
    case PixelBitMask:
        return PixelFormat::Bitmask;
    default:
        return PixelFormat::BltOnly;
    }
}

} // namespace

GopFramebuffer capture_gop(EFI_BOOT_SERVICES* bs, EFI_HANDLE console_out, const Config& config)
{
    GopFramebuffer fb;
    EFI_HANDLE handle = nullptr;
    EFI_GRAPHICS_OUTPUT_PROTOCOL* gop = find_gop(bs, console_out, handle);
    if (gop == nullptr || gop->Mode == nullptr || gop->Mode->Info == nullptr) {
        klog("[boot] gop none");
        return fb;
    }

    if (config.mode.has_value()) {
        if (!set_mode(gop, *config.mode))
            klog("[boot] gop has no mode %ux%u: keeping the current one", config.mode->width,
                config.mode->height);
    } else if (auto preferred = preferred_mode_from_edid(bs, handle)) {
        if (!set_mode(gop, *preferred))
            klog("[boot] gop has no mode for the preferred %ux%u: keeping the current one",
                preferred->width, preferred->height);
    }

    const EFI_GRAPHICS_OUTPUT_MODE_INFORMATION* info = gop->Mode->Info;
    fb.format = format_of(info->PixelFormat);
    fb.width = info->HorizontalResolution;
    fb.height = info->VerticalResolution;
    fb.pixels_per_scanline = info->PixelsPerScanLine;
    if (fb.format == PixelFormat::Bitmask) {
        fb.red_mask = info->PixelInformation.RedMask;
        fb.green_mask = info->PixelInformation.GreenMask;
        fb.blue_mask = info->PixelInformation.BlueMask;
        fb.reserved_mask = info->PixelInformation.ReservedMask;
    }
    if (fb.format != PixelFormat::BltOnly && gop->Mode->FrameBufferBase != 0) {
        fb.base = PhysAddr(gop->Mode->FrameBufferBase);
        fb.size = gop->Mode->FrameBufferSize;
    } else {
        fb.format = PixelFormat::BltOnly;
    }

    if (fb.format == PixelFormat::BltOnly) {
        klog("[boot] gop format=blt-only mode=%ux%u", fb.width, fb.height);
    } else {
        klog("[boot] gop mode=%ux%u format=%s pitch=%u fb=0x%lx", fb.width, fb.height,
            pixel_format_name(fb.format), fb.pixels_per_scanline, fb.base.get());
    }
    return fb;
}

} // namespace rota::efi
