#include "gfx/display/virgl_display.h"

#include <cstring>

#include "core/lib/math.h"
#include "core/log/log.h"
#include "gfx/display/virgl_ids.h"
#include "virtio/gpu/commands.h"
#include "virtio/gpu/virgl/probe.h"
#include "virtio/gpu/virgl/shaders.h"

// The virgl display's frame path: the rotating layer's angle, the probe,
// and present(): uploads, the composition on the host, the fenced flush.

namespace rota::gpu {

using virgl::Handle;
using virgl::ShaderType;
using namespace virgl_ids;

void VirglDisplay::set_turns(double turns)
{
    if (turns != m_turns)
        m_layer_changed = true;
    m_turns = turns;
}

void VirglDisplay::encode_probe()
{
    virgl::ProbeColour colour = virgl::probe_colour(++m_probe_sequence);
    m_stream.set_framebuffer(probe_surface_handle);
    m_stream.clear_colour(colour.r(), colour.g(), colour.b(), 1.0f);
    m_stream.set_framebuffer(target_surface_handle);
    m_probe_pending = true;
}

void VirglDisplay::encode_ring()
{
    // CONST[0]: the turn and its centre; CONST[1]: pixels to device
    // coordinates, y growing downwards with the rows (shaders.h).
    double angle = 2 * pi * m_turns;
    const float constants[8] = {float(cosine(angle)), float(sine(angle)), float(m_centre_x),
        float(m_centre_y), 2.0f / float(m_mode.width), 2.0f / float(m_mode.height), -1.0f, -1.0f};
    m_stream.set_constants(ShaderType::Vertex, constants);
    // virglrenderer binds a texture to unit 0 for every transfer into it and
    // does not restore the sampler view it believes bound there; setting the
    // same view again is a no-op (vrend_set_single_sampler_view), so unbind
    // it first. Without this the ring is drawn from the canvas after any
    // canvas upload (seen on virglrenderer 0.10.4).
    const Handle none[] = {{0}};
    const Handle ring[] = {ring_view_handle};
    m_stream.set_sampler_views(ShaderType::Fragment, none);
    m_stream.set_sampler_views(ShaderType::Fragment, ring);
    m_stream.draw_arrays(virgl::Primitive::TriangleStrip, 0, 4);
}

Expected<void> VirglDisplay::read_probe_now()
{
    uint32_t sentinel = virgl::probe_sentinel;
    memcpy(static_cast<uint8_t*>(m_small.virt) + probe_offset, &sentinel, sizeof sentinel);
    TRY(m_device.call(make_transfer_3d(
        CommandType::TransferFromHost3d, m_context, probe_resource, {0, 0, 1, 1}, probe_side * 4)));
    return check_probe();
}

Expected<void> VirglDisplay::check_probe()
{
    m_probe_pending = false;
    uint32_t read_back;
    memcpy(&read_back, static_cast<uint8_t*>(m_small.virt) + probe_offset, sizeof read_back);
    virgl::ProbeColour expected = virgl::probe_colour(m_probe_sequence);
    if (!virgl::probe_matches(read_back, expected)) {
        klog("[virgl] %s probe %u read 0x%06x, expected 0x%06x: the host stopped rendering "
             "this context",
            m_device.name(), m_probe_sequence, read_back & 0xffffff, expected.pixel());
        return make_error(Error::DeviceError);
    }
    return {};
}

Expected<void> VirglDisplay::begin_frame()
{
    TRY(m_device.drain());
    if (m_probe_pending)
        TRY(check_probe());
    return {};
}

Expected<void> VirglDisplay::present(const Damage& damage)
{
    TRY(m_device.drain());
    if (m_layer_created && m_image.pixels == nullptr)
        return fail("lost its rotating layer");
    TRY(queue_uploads(damage));
    Rect flushed = encode_composition(damage);
    TRY(queue_stream_and_flush(flushed));
    return m_device.kick();
}

// The guest's changes into the canvas texture; the layer's picture and quad
// when they changed.
Expected<void> VirglDisplay::queue_uploads(const Damage& damage)
{
    uint32_t stride = m_mode.width * 4;
    for (const Rect& r : damage.rects())
        TRY(m_device.enqueue(make_transfer_3d(
            CommandType::TransferToHost3d, m_context, canvas_resource, r, stride)));
    if (!m_image_dirty)
        return {};
    float left = float(m_image_area.x - m_centre_x), top = float(m_image_area.y - m_centre_y);
    float right = left + float(m_image_area.width), bottom = top + float(m_image_area.height);
    const float quad[16]
        = {left, top, 0, 0, right, top, 1, 0, left, bottom, 0, 1, right, bottom, 1, 1};
    memcpy(m_small.virt, quad, sizeof quad);
    TRY(m_device.enqueue(make_transfer_3d(CommandType::TransferToHost3d, m_context, vertex_resource,
        {0, 0, int32_t(vertex_bytes), 1}, vertex_bytes)));
    TRY(m_device.enqueue(make_transfer_3d(CommandType::TransferToHost3d, m_context, ring_resource,
        m_image.bounds(), uint32_t(m_image.width) * 4)));
    m_image_dirty = false;
    m_layer_changed = true;
    return {};
}

// The host's part of the frame, into the command stream: the damage copied
// from the canvas into the render target, then, when the ring turned (or
// what is under it changed), a fresh copy of the wheel's square and the ring
// drawn over it. Returns what changed on the screen.
Rect VirglDisplay::encode_composition(const Damage& damage)
{
    Rect flushed = damage.bounding_box();
    for (const Rect& r : damage.rects())
        m_stream.copy_region(target_resource, r.x, r.y, canvas_resource, r);
    Rect area = m_image_area.intersect({0, 0, int32_t(m_mode.width), int32_t(m_mode.height)});
    bool under_damaged = false;
    for (const Rect& r : damage.rects())
        under_damaged = under_damaged || r.intersects(area);
    if (m_layer_created && !area.empty() && (m_layer_changed || under_damaged)) {
        m_stream.copy_region(target_resource, area.x, area.y, canvas_resource, area);
        encode_ring();
        flushed = flushed.bounding(area);
        m_layer_changed = false;
    }
    if (m_debug.rejected_shader_at_frame_30 && m_frame == 30) {
        klog("[virgl] debug=virgl-fault: sending a shader the host rejects");
        m_stream.create_shader(rejected_shader_handle, ShaderType::Fragment, virgl::rejected_shader,
            virgl::shader_max_tokens);
    }
    if (++m_frame % probe_interval == 0)
        encode_probe();
    return flushed;
}

// SUBMIT_3D of the stream, the probe's read-back, and the fenced flush that
// the next begin_frame() waits for.
Expected<void> VirglDisplay::queue_stream_and_flush(Rect flushed)
{
    if (m_stream.overflowed())
        return fail("command stream overflowed its buffer");
    if (m_stream.bytes() > 0) {
        uint32_t bytes = uint32_t(m_stream.bytes());
        Submit3d submit = make_submit_3d(m_context, bytes);
        if (m_debug.no_flush) {
            submit.header.flags = flag_fence;
            submit.header.fence_id = ++m_fence;
        }
        TRY(m_device.enqueue_with_payload(submit, {m_commands.phys, bytes}));
        m_stream.reset();
    }
    if (m_probe_pending) {
        uint32_t sentinel = virgl::probe_sentinel;
        memcpy(static_cast<uint8_t*>(m_small.virt) + probe_offset, &sentinel, sizeof sentinel);
        TRY(m_device.enqueue(make_transfer_3d(CommandType::TransferFromHost3d, m_context,
            probe_resource, {0, 0, 1, 1}, probe_side * 4)));
    }
    if (!flushed.empty() && !m_debug.no_flush) {
        ResourceFlush flush = make_resource_flush(target_resource, flushed);
        flush.header = make_fenced_header(CommandType::ResourceFlush, ++m_fence);
        TRY(m_device.enqueue(flush));
    }
    return {};
}

} // namespace rota::gpu
