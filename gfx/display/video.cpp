#include "gfx/display/video.h"

#include "core/log/klog_sink.h"
#include "core/log/log.h"
#include "gfx/display/gop_display.h"
#include "gfx/display/virgl_step.h"
#include "gfx/display/virtio_gpu_display.h"
#include "virtio/gpu/gpu_probe.h"

namespace rota {

namespace {

// virtio-gpu's 2D path: find the device, initialise it, set up a scanout.
class VirtioGpuStep final : public DisplayStep {
public:
    explicit VirtioGpuStep(const BootInfo& info)
        : m_info(info)
    {
    }
    const char* name() const override { return "virtio-gpu"; }
    Display* open() override;
    // After the virgl step: the same device, initialised again for 2D.
    const char* fallback_line() const override { return "[video] falling back to virtio-gpu 2D"; }

private:
    const BootInfo& m_info;
};

Display* VirtioGpuStep::open()
{
    gpu::GpuDevice* device = gpu::gpu_probe(); // logs why when there is none
    if (device == nullptr)
        return nullptr;
    klog("PCI: virtio-gpu driver probe succeeded");
    const Config& config = m_info.config;
    auto buffering
        = (config.debug & DebugGpuCopy) ? gpu::BufferMode::Copy : gpu::BufferMode::Direct;
    gpu::GpuFaults faults;
    faults.at_frame_30 = (config.debug & DebugGpuFault) != 0;
    faults.in_setup = (config.debug & DebugGpuFaultSetup) != 0;
    auto display = gpu::GpuDisplay::create(*device, config.mode, buffering, faults);
    if (display.is_error()) {
        klog("[video] virtio-gpu %s display setup failed: %s", device->name(),
            error_name(display.error()));
        // The device may already show our scanout (a virtio-vga then hides
        // its VGA framebuffer, which the next step draws into): a reset gives
        // the screen back and stops the device using our memory.
        device->shut_down();
        return nullptr;
    }
    const gpu::GpuInfo& gpu_info = device->info();
    DisplayMode m = display.value()->mode();
    klog("[video] backend=virtio-gpu mode=%ux%u virgl=%s edid=%s scanout=%u buffering=%s", m.width,
        m.height, gpu_info.virgl_offered ? "yes" : "no",
        gpu_info.edid_mode.has_value() ? "yes" : "no", display.value()->scanout().value,
        buffering == gpu::BufferMode::Copy ? "copy" : "direct");
    return display.value();
}

// The GOP framebuffer recorded before ExitBootServices.
class GopStep final : public DisplayStep {
public:
    explicit GopStep(const GopFramebuffer& gop)
        : m_gop(gop)
    {
    }
    const char* name() const override { return "gop"; }
    Display* open() override;
    const char* fallback_line() const override
    {
        return "Video: virgl backend unavailable; falling back to framebuffer";
    }

private:
    const GopFramebuffer& m_gop;
};

Display* GopStep::open()
{
    if (m_gop.format == PixelFormat::None) {
        klog("[video] no gop framebuffer");
        return nullptr;
    }
    if (m_gop.format == PixelFormat::BltOnly) {
        klog("[video] gop unusable: blt-only (no linear framebuffer after ExitBootServices)");
        return nullptr;
    }
    auto display = GopDisplay::create(m_gop);
    if (display.is_error()) {
        klog("[video] gop unusable: %s", error_name(display.error()));
        return nullptr;
    }
    klog("[video] backend=gop mode=%ux%u format=%s pitch=%u", m_gop.width, m_gop.height,
        pixel_format_name(m_gop.format), m_gop.pixels_per_scanline);
    return display.value();
}

} // namespace

Screen& video_init(const BootInfo& info)
{
    DisplayStep* chain[Screen::max_steps];
    size_t steps = 0;
    VideoChoice video = info.config.video;
    if (video == VideoChoice::Auto || video == VideoChoice::Virgl)
        chain[steps++] = new VirglStep(info, video == VideoChoice::Virgl);
    if (info.config.video != VideoChoice::Gop)
        chain[steps++] = new VirtioGpuStep(info);
    else
        klog("[video] video=gop: virtio-gpu not used");
    chain[steps++] = new GopStep(info.gop);
    auto* screen = new Screen(std::span(chain, steps), klog_sink());
    screen->start();
    return *screen;
}

} // namespace rota
