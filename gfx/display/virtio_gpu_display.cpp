#include "gfx/display/virtio_gpu_display.h"

#include <cstring>

#include "core/log/log.h"
#include "core/mem/kernel_memory.h"
#include "virtio/gpu/commands.h"

namespace rota::gpu {

namespace {

Expected<Surface> allocate_surface(DisplayMode mode, PhysAddr* phys = nullptr)
{
    uint64_t bytes = uint64_t(mode.width) * mode.height * 4;
    auto pages = TRY(allocate_pages((bytes + page_size - 1) / page_size));
    if (phys != nullptr)
        *phys = pages;
    auto* pixels = reinterpret_cast<uint32_t*>(pages.get());
    memset(pixels, 0, bytes);
    return Surface {pixels, int32_t(mode.width), int32_t(mode.height), int32_t(mode.width)};
}

} // namespace

Expected<GpuDisplay*> GpuDisplay::create(
    GpuDevice& device, std::optional<DisplayMode> wanted, BufferMode mode, GpuFaults faults)
{
    const GpuInfo& info = device.info();
    // The configuration's mode, else the display's preferred one (EDID), else
    // what GET_DISPLAY_INFO says the scanout has.
    std::optional<DisplayMode> preferred = wanted.has_value() ? wanted : info.edid_mode;
    auto choice = choose_scanout(info.display_info, preferred);
    if (!choice.has_value()) {
        klog("[virtio-gpu] %s no scanout is enabled and no mode was asked for", device.name());
        return make_error(Error::NotFound);
    }
    DisplayMode display_mode = choice->mode;
    if (!mode_valid(display_mode)) {
        klog("[virtio-gpu] %s mode %ux%u is outside %u..%u", device.name(), display_mode.width,
            display_mode.height, min_mode_side, max_mode_side);
        return make_error(Error::InvalidArgument);
    }

    PhysAddr backing_phys;
    auto backing = allocate_surface(display_mode, &backing_phys);
    if (backing.is_error()) {
        klog("[virtio-gpu] %s no memory for a %ux%u backing", device.name(), display_mode.width,
            display_mode.height);
        return make_error(Error::OutOfMemory);
    }
    Surface back = backing.value();
    if (mode == BufferMode::Copy) {
        auto private_buffer = allocate_surface(display_mode);
        if (private_buffer.is_error())
            return make_error(Error::OutOfMemory);
        back = private_buffer.value();
    }

    ResourceId resource {1};
    uint32_t length = display_mode.width * display_mode.height * 4;
    TRY(device.call(make_resource_create_2d(
        resource, Format::B8G8R8X8Unorm, display_mode.width, display_mode.height)));
    TRY(device.call(make_attach_backing(resource, backing_phys, length)));
    Rect full {0, 0, int32_t(display_mode.width), int32_t(display_mode.height)};
    TRY(device.call(make_set_scanout(choice->scanout, resource, full)));

    auto* display = new GpuDisplay(
        device, choice->scanout, display_mode, mode, backing.value(), backing_phys, back);
    display->m_faults = faults;
    // Show the (black) buffer at once: a scanout set but never flushed is a
    // blank screen to the user.
    Damage all(full);
    all.add_all();
    auto shown = display->present(all);
    if (shown.has_value())
        shown = device.drain();
    if (shown.is_error()) {
        delete display;
        return make_error(shown.error());
    }
    return display;
}

GpuDisplay::GpuDisplay(GpuDevice& device, ScanoutId scanout, DisplayMode mode,
    BufferMode buffer_mode, Surface backing, PhysAddr backing_phys, Surface back)
    : m_device(device)
    , m_scanout(scanout)
    , m_mode(mode)
    , m_mode_kind(buffer_mode)
    , m_backing(backing)
    , m_backing_phys(backing_phys)
    , m_back(back)
{
}

Expected<void> GpuDisplay::begin_frame()
{
    // Copy mode draws into private memory: nothing to wait for.
    if (m_mode_kind == BufferMode::Direct)
        return m_device.drain();
    return {};
}

Expected<void> GpuDisplay::present(const Damage& damage)
{
    if (damage.empty())
        return {};
    // The backing may be rewritten only when the device has finished reading
    // it for the previous frame; normally it has, and this only reaps.
    TRY(m_device.drain());
    if (m_mode_kind == BufferMode::Copy) {
        for (const Rect& r : damage.rects()) {
            for (int32_t y = r.y; y < r.bottom(); ++y)
                memcpy(m_backing.row(y) + r.x, m_back.row(y) + r.x, size_t(r.width) * 4);
        }
    }

    TransferToHost2d transfers[2 * Damage::capacity];
    size_t count
        = plan_transfers(damage.rects(), m_mode.width, m_mode.height, m_resource, transfers);
    for (size_t i = 0; i < count; ++i)
        TRY(m_device.enqueue(transfers[i]));
    // m_fence counts presents: 0 is the first, inside create().
    if ((m_faults.in_setup && m_fence == 0) || (m_faults.at_frame_30 && m_fence == 30))
        TRY(m_device.enqueue(make_transfer_to_host_2d({99}, {0, 0, 16, 16}, m_mode.width * 4)));
    ResourceFlush flush = make_resource_flush(m_resource, damage.bounding_box());
    flush.header = make_fenced_header(CommandType::ResourceFlush, ++m_fence);
    TRY(m_device.enqueue(flush));
    return m_device.kick();
}

} // namespace rota::gpu
