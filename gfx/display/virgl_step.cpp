#include "gfx/display/virgl_step.h"

#include "core/log/hexdump.h"
#include "core/log/log.h"
#include "gfx/display/virgl_display.h"
#include "virtio/gpu/commands.h"
#include "virtio/gpu/gpu_probe.h"

namespace rota {

namespace {

// GET_CAPSET's response: the header and the largest capset rota accepts.
constexpr size_t capset_response_bytes = gpu::GpuDevice::large_response_bytes;

const char* capset_name(uint32_t id)
{
    return id == gpu::virgl::capset_virgl2 ? "virgl2" : "virgl";
}

// Reads the capset the device offers that rota prefers (VIRGL2, else VIRGL).
// With `dump`, the bytes go to the log as well (debug=dump-capset, for
// tests/fixtures/capture_virgl_capset.py).
Expected<gpu::virgl::VirglCaps> read_caps(gpu::GpuDevice& device, bool dump)
{
    const gpu::GpuInfo& info = device.info();
    gpu::virgl::CapsetOffer offers[4];
    size_t count = 0;
    for (uint32_t i = 0; i < info.num_capsets && i < 4; ++i)
        offers[count++]
            = {info.capset_ids[i], info.capset_max_versions[i], info.capset_max_sizes[i]};
    auto offer = gpu::virgl::choose_virgl_capset(std::span(offers, count));
    if (!offer.has_value()) {
        klog("[virgl] %s offers no usable VIRGL or VIRGL2 capset (%u capsets)", device.name(),
            info.num_capsets);
        return make_error(Error::Unsupported);
    }
    static uint8_t response[capset_response_bytes];
    size_t written = TRY(device.call_variable(
        gpu::make_get_capset(offer->id, offer->max_version), gpu::CommandType::OkCapset, response));
    size_t header = sizeof(gpu::ControlHeader);
    size_t available = written < sizeof response ? written : sizeof response;
    if (available < header) {
        klog("[virgl] %s GET_CAPSET answered %zu bytes", device.name(), written);
        return make_error(Error::DeviceError);
    }
    if (dump)
        log_hexdump(offer->id == gpu::virgl::capset_virgl2 ? "virgl/capset2" : "virgl/capset1",
            response + header, available - header);
    auto caps = gpu::virgl::parse_virgl_caps(
        offer->id, std::span<const uint8_t>(response + header, available - header));
    if (caps.is_error()) {
        klog("[virgl] %s capset %s unreadable (%s, %zu bytes)", device.name(),
            capset_name(offer->id), error_name(caps.error()), available - header);
        return make_error(caps.error());
    }
    return caps;
}

Display* open_display(const BootInfo& info)
{
    // Logs why when there is none.
    gpu::GpuDevice* device = gpu::gpu_probe({true, "virgl unavailable: "});
    if (device == nullptr)
        return nullptr;
    gpu::GpuDevice& gpu = *device;
    auto give_up = [&](const char* why, Error error) -> Display* {
        klog("[video] virgl unavailable on %s: %s (%s)", gpu.name(), why, error_name(error));
        // Reset: the 2D step initialises the device again from scratch.
        gpu.shut_down();
        return nullptr;
    };
    if (!gpu.info().virgl_negotiated)
        return give_up("the device does not offer VIRTIO_GPU_F_VIRGL", Error::Unsupported);
    auto caps = read_caps(gpu, (info.config.debug & DebugDumpCapset) != 0);
    if (caps.is_error())
        return give_up("no usable capset", caps.error());
    const gpu::virgl::VirglCaps& c = caps.value();
    klog("[virgl] %s capset=%s version=%u glsl=%u max_texture=%u renderer=\"%s\"", gpu.name(),
        capset_name(c.capset_id), c.version, c.glsl_level, c.max_texture_2d_size, c.renderer);

    gpu::VirglDebug debug;
    debug.rejected_shader_at_frame_30 = (info.config.debug & DebugVirglFault) != 0;
    debug.no_flush = (info.config.debug & DebugVirglNoFlush) != 0;
    auto display = gpu::VirglDisplay::create(gpu, c, info.config.mode, debug);
    if (display.is_error())
        return give_up("3D setup failed", display.error());
    klog("PCI: virtio-gpu driver probe succeeded");
    DisplayMode m = display.value()->mode();
    klog("[video] backend=virgl mode=%ux%u capset=%s version=%u scanout=%u", m.width, m.height,
        capset_name(c.capset_id), c.version, display.value()->scanout().value);
    return display.value();
}

} // namespace

Display* VirglStep::open()
{
    Display* display = open_display(m_info);
    if (display == nullptr && m_insisted)
        klog("[video] video=virgl: virgl unavailable, using the next display");
    return display;
}

} // namespace rota
