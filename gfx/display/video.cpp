#include "gfx/display/video.h"

#include "core/lib/string_view.h"
#include "core/log/log.h"
#include "gfx/display/gop_display.h"
#include "gfx/display/virtio_gpu_display.h"
#include "virtio/gpu/gpu_probe.h"

namespace rota {

namespace {

// The reason virtio-gpu was not used, for the fallback line.
Display* try_virtio_gpu(const BootInfo& info)
{
    gpu::GpuDevice* device = gpu::gpu_probe(); // logs why when there is none
    if (device == nullptr)
        return nullptr;
    klog("PCI: virtio-gpu driver probe succeeded");
    auto mode
        = (info.config.debug & DebugGpuCopy) ? gpu::BufferMode::Copy : gpu::BufferMode::Direct;
    auto display = gpu::GpuDisplay::create(
        *device, info.config.mode, mode, (info.config.debug & DebugGpuFault) != 0);
    if (display.is_error()) {
        klog("[video] virtio-gpu %s display setup failed: %s", device->name(),
            error_name(display.error()));
        return nullptr;
    }
    const gpu::GpuInfo& gpu_info = device->info();
    DisplayMode m = display.value()->mode();
    klog("[video] backend=virtio-gpu mode=%ux%u virgl=%s edid=%s scanout=%u buffering=%s", m.width,
        m.height, gpu_info.virgl_offered ? "yes" : "no",
        gpu_info.edid_mode.has_value() ? "yes" : "no", display.value()->scanout().value,
        mode == gpu::BufferMode::Copy ? "copy" : "direct");
    return display.value();
}

Display* try_gop(const BootInfo& info)
{
    const GopFramebuffer& gop = info.gop;
    if (gop.format == PixelFormat::None) {
        klog("[video] no gop framebuffer");
        return nullptr;
    }
    if (gop.format == PixelFormat::BltOnly) {
        klog("[video] gop unusable: blt-only (no linear framebuffer after ExitBootServices)");
        return nullptr;
    }
    auto display = GopDisplay::create(gop);
    if (display.is_error()) {
        klog("[video] gop unusable: %s", error_name(display.error()));
        return nullptr;
    }
    klog("[video] backend=gop mode=%ux%u format=%s pitch=%u", gop.width, gop.height,
        pixel_format_name(gop.format), gop.pixels_per_scanline);
    return display.value();
}

Display* headless()
{
    klog("[video] backend=none: no usable display, running headless");
    return nullptr;
}

} // namespace

Display* video_init(const BootInfo& info)
{
    if (info.config.video != VideoChoice::Gop) {
        if (Display* display = try_virtio_gpu(info))
            return display;
        klog("Video: virgl backend unavailable; falling back to framebuffer");
    } else {
        klog("[video] video=gop: virtio-gpu not used");
    }
    if (Display* display = try_gop(info))
        return display;
    return headless();
}

Display* video_fail_over(const BootInfo& info, Display* failed)
{
    klog("[video] %s stopped working", failed != nullptr ? failed->backend_name() : "display");
    if (failed != nullptr)
        failed->abandon();
    // If the GOP framebuffer itself failed there is nothing left to fall back to.
    if (failed != nullptr && StringView(failed->backend_name()) == "gop")
        return headless();
    klog("Video: virgl backend unavailable; falling back to framebuffer");
    if (Display* display = try_gop(info))
        return display;
    return headless();
}

} // namespace rota
