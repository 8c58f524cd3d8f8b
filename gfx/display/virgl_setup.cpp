#include <cstring>

#include "core/log/log.h"
#include "core/mem/kernel_memory.h"
#include "gfx/display/virgl_display.h"
#include "gfx/display/virgl_ids.h"
#include "virtio/gpu/commands.h"
#include "virtio/gpu/virgl/shaders.h"

// The virgl display's setup (gfx/display/virgl_display.h, docs/virgl.md):
// the context, its resources, the pipeline, the first probe and the scanout;
// and, when the scene hands it over, the rotating layer's texture.

namespace rota::gpu {

using virgl::Handle;
using virgl::ObjectType;
using virgl::ShaderType;
using namespace virgl_ids;

namespace {

Expected<Surface> allocate_surface(int32_t width, int32_t height, PhysAddr* phys)
{
    uint64_t bytes = uint64_t(width) * uint64_t(height) * 4;
    *phys = TRY(allocate_pages((bytes + page_size - 1) / page_size));
    auto* pixels = reinterpret_cast<uint32_t*>(phys->get());
    memset(pixels, 0, bytes);
    return Surface {pixels, width, height, width};
}

} // namespace

Expected<VirglDisplay*> VirglDisplay::create(GpuDevice& device, const virgl::VirglCaps& caps,
    std::optional<DisplayMode> wanted, VirglDebug debug)
{
    const GpuInfo& info = device.info();
    std::optional<DisplayMode> preferred = wanted.has_value() ? wanted : info.edid_mode;
    auto choice = choose_scanout(info.display_info, preferred);
    if (!choice.has_value()) {
        klog("[virgl] %s no scanout is enabled and no mode was asked for", device.name());
        return make_error(Error::NotFound);
    }
    DisplayMode mode = choice->mode;
    if (!mode_valid(mode)) {
        klog("[virgl] %s mode %ux%u is outside %u..%u", device.name(), mode.width, mode.height,
            min_mode_side, max_mode_side);
        return make_error(Error::InvalidArgument);
    }
    if (const char* reason = virgl::virgl_unusable_reason(caps, mode)) {
        klog("[virgl] %s unusable at %ux%u: %s", device.name(), mode.width, mode.height, reason);
        return make_error(Error::Unsupported);
    }

    PhysAddr canvas_phys;
    auto canvas = allocate_surface(int32_t(mode.width), int32_t(mode.height), &canvas_phys);
    auto commands = allocate_pages(command_bytes / page_size);
    auto small = allocate_pages(1);
    if (canvas.is_error() || commands.is_error() || small.is_error()) {
        klog("[virgl] %s no memory for a %ux%u canvas", device.name(), mode.width, mode.height);
        return make_error(Error::OutOfMemory);
    }
    memset(reinterpret_cast<void*>(small->get()), 0, page_size);
    Buffer command_buffer {
        commands.value(), reinterpret_cast<void*>(commands->get()), uint32_t(command_bytes)};
    Buffer small_buffer {small.value(), reinterpret_cast<void*>(small->get()), page_size};

    auto* display = new VirglDisplay(
        device, choice->scanout, mode, canvas.value(), canvas_phys, command_buffer, small_buffer);
    display->m_debug = debug;
    TRY(display->setup_pipeline());
    // The first probe, waited for: a host that accepted every command but
    // renders nothing (a shader it could not compile) is caught here.
    display->m_stream.reset();
    display->encode_probe();
    TRY(display->submit_now());
    TRY(display->read_probe_now());

    Rect full {0, 0, int32_t(mode.width), int32_t(mode.height)};
    TRY(device.call(make_set_scanout(choice->scanout, target_resource, full)));
    Damage all(full);
    all.add_all();
    TRY(display->present(all));
    TRY(device.drain());
    return display;
}

VirglDisplay::VirglDisplay(GpuDevice& device, ScanoutId scanout, DisplayMode mode, Surface canvas,
    PhysAddr canvas_phys, Buffer commands, Buffer small)
    : m_device(device)
    , m_scanout(scanout)
    , m_mode(mode)
    , m_canvas(canvas)
    , m_canvas_phys(canvas_phys)
    , m_commands(commands)
    , m_small(small)
    , m_stream(std::span(static_cast<uint32_t*>(commands.virt), commands.bytes / 4))
{
}

Expected<void> VirglDisplay::fail(const char* what)
{
    klog("[virgl] %s %s", m_device.name(), what);
    return make_error(Error::DeviceError);
}

Expected<void> VirglDisplay::create_resource(
    ResourceId id, const Resource3dDesc& desc, const Buffer* backing)
{
    TRY(m_device.call(make_resource_create_3d(id, desc)));
    if (backing != nullptr)
        TRY(m_device.call(make_attach_backing(id, backing->phys, backing->bytes)));
    TRY(m_device.call(make_ctx_attach_resource(m_context, id)));
    return {};
}

// The context, its resources and the one pipeline every frame draws with.
Expected<void> VirglDisplay::setup_pipeline()
{
    TRY(m_device.call(make_ctx_create(m_context, "rota")));
    uint32_t width = m_mode.width, height = m_mode.height;
    using virgl::Format;
    using virgl::Target;
    namespace bind = virgl::bind;
    Buffer canvas {m_canvas_phys, m_canvas.pixels, width * height * 4};
    Buffer vertices {m_small.phys, m_small.virt, vertex_bytes};
    Buffer probe {m_small.phys.offset(probe_offset),
        static_cast<uint8_t*>(m_small.virt) + probe_offset, probe_side * probe_side * 4};
    // The canvas is uploaded top row first and copied as it is, and the ring
    // is drawn with y growing with the rows, so row 0 of the render target is
    // the top of the picture. Without VIRGL_RESOURCE_Y_0_TOP QEMU shows it
    // the GL way round, row 0 at the bottom, and flips it for display: the
    // flag would show the screen upside down (seen on QEMU 7.2).
    TRY(create_resource(target_resource,
        {Target::Texture2d, Format::B8G8R8X8Unorm,
            bind::render_target | bind::sampler_view | bind::scanout, width, height, 0},
        nullptr));
    TRY(create_resource(canvas_resource,
        {Target::Texture2d, Format::B8G8R8X8Unorm, bind::sampler_view, width, height, 0}, &canvas));
    TRY(create_resource(vertex_resource,
        {Target::Buffer, Format::R8Unorm, bind::vertex_buffer, vertex_bytes, 1, 0}, &vertices));
    TRY(create_resource(probe_resource,
        {Target::Texture2d, Format::B8G8R8X8Unorm, bind::render_target | bind::sampler_view,
            probe_side, probe_side, 0},
        &probe));

    virgl::CommandBuffer& s = m_stream;
    s.reset();
    s.create_blend(blend_handle, true);
    s.bind_object(ObjectType::Blend, blend_handle);
    s.create_rasterizer(rasterizer_handle);
    s.bind_object(ObjectType::Rasterizer, rasterizer_handle);
    s.create_depth_stencil_alpha(dsa_handle);
    s.bind_object(ObjectType::Dsa, dsa_handle);
    s.create_shader(vertex_shader_handle, ShaderType::Vertex, virgl::quad_vertex_shader,
        virgl::shader_max_tokens);
    s.bind_shader(vertex_shader_handle, ShaderType::Vertex);
    s.create_shader(fragment_shader_handle, ShaderType::Fragment, virgl::textured_fragment_shader,
        virgl::shader_max_tokens);
    s.bind_shader(fragment_shader_handle, ShaderType::Fragment);
    const virgl::VertexElement elements[]
        = {{0, 0, Format::R32G32Float}, {2 * sizeof(float), 0, Format::R32G32Float}};
    s.create_vertex_elements(vertex_elements_handle, elements);
    s.bind_object(ObjectType::VertexElements, vertex_elements_handle);
    s.create_sampler_state(sampler_handle, {virgl::sampler::filter_linear});
    const Handle samplers[] = {sampler_handle};
    s.bind_sampler_states(ShaderType::Fragment, samplers);
    s.create_surface(target_surface_handle, target_resource, Format::B8G8R8X8Unorm);
    s.create_surface(probe_surface_handle, probe_resource, Format::B8G8R8X8Unorm);
    s.set_framebuffer(target_surface_handle);
    float w = float(width), h = float(height);
    s.set_viewport({{w / 2, h / 2, 0.5f}, {w / 2, h / 2, 0.5f}});
    const virgl::VertexBuffer buffers[] = {{vertex_bytes / 4, 0, vertex_resource}};
    s.set_vertex_buffers(buffers);
    return submit_now();
}

// Submits the stream built so far and waits for the device to take it.
Expected<void> VirglDisplay::submit_now()
{
    if (m_stream.overflowed())
        return fail("command stream overflowed its buffer");
    uint32_t bytes = uint32_t(m_stream.bytes());
    TRY(m_device.call_with_payload(make_submit_3d(m_context, bytes), {m_commands.phys, bytes}));
    m_stream.reset();
    return {};
}

Surface VirglDisplay::image_buffer(Rect area, int32_t centre_x, int32_t centre_y)
{
    if (m_image.pixels != nullptr) {
        if (area.width == m_image.width && area.height == m_image.height) {
            m_image_area = area;
            m_centre_x = centre_x;
            m_centre_y = centre_y;
            return m_image;
        }
        klog("[virgl] %s the rotating layer cannot change size (%dx%d to %dx%d)", m_device.name(),
            m_image.width, m_image.height, area.width, area.height);
        return {};
    }
    auto image = allocate_surface(area.width, area.height, &m_image_phys);
    if (image.is_error()) {
        klog("[virgl] %s no memory for a %dx%d layer", m_device.name(), area.width, area.height);
        return {};
    }
    m_image = image.value();
    m_image_area = area;
    m_centre_x = centre_x;
    m_centre_y = centre_y;
    if (create_ring_texture(area.width, area.height).is_error()) {
        m_image = {};
        return {};
    }
    return m_image;
}

// The layer's texture, its view, and the quad that shows it: the corners of
// `area` as offsets from the centre, texture coordinates 0..1 across it.
Expected<void> VirglDisplay::create_ring_texture(int32_t width, int32_t height)
{
    Buffer backing {m_image_phys, m_image.pixels, uint32_t(width) * uint32_t(height) * 4};
    TRY(create_resource(ring_resource,
        {virgl::Target::Texture2d, virgl::Format::B8G8R8A8Unorm, virgl::bind::sampler_view,
            uint32_t(width), uint32_t(height), 0},
        &backing));
    m_stream.reset();
    m_stream.create_sampler_view(ring_view_handle, ring_resource, virgl::Format::B8G8R8A8Unorm);
    const Handle views[] = {ring_view_handle};
    m_stream.set_sampler_views(ShaderType::Fragment, views);
    TRY(submit_now());
    m_layer_created = true;
    return {};
}

} // namespace rota::gpu
