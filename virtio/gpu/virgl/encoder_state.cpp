#include "virtio/gpu/virgl/encoder.h"

// The binds, state, clear, draw and copy commands (the objects they name are
// created in encoder.cpp). Payload layouts: virglrenderer's virgl_protocol.h,
// the VIRGL_SET_* and VIRGL_DRAW_VBO_* offsets; docs/virgl.md.

namespace rota::gpu::virgl {

void CommandBuffer::bind_object(ObjectType type, Handle handle)
{
    if (uint32_t* p = begin(Command::BindObject, type, 1))
        p[0] = handle.value;
}

void CommandBuffer::bind_shader(Handle handle, ShaderType type)
{
    if (uint32_t* p = begin(Command::BindShader, ObjectType::None, 2)) {
        p[0] = handle.value;
        p[1] = uint32_t(type);
    }
}

void CommandBuffer::set_framebuffer(Handle colour_surface)
{
    // colour buffer count, depth surface (0: none), colour surfaces.
    if (uint32_t* p = begin(Command::SetFramebufferState, ObjectType::None, 3)) {
        p[0] = 1;
        p[1] = 0;
        p[2] = colour_surface.value;
    }
}

void CommandBuffer::set_viewport(const Viewport& viewport)
{
    // start slot, then scale x y z, translate x y z.
    uint32_t* p = begin(Command::SetViewportState, ObjectType::None, 7);
    if (p == nullptr)
        return;
    p[0] = 0;
    for (int i = 0; i < 3; ++i) {
        p[1 + i] = float_bits(viewport.scale[i]);
        p[4 + i] = float_bits(viewport.translate[i]);
    }
}

void CommandBuffer::set_vertex_buffers(std::span<const VertexBuffer> buffers)
{
    uint32_t* p = begin(Command::SetVertexBuffers, ObjectType::None, 3 * buffers.size());
    if (p == nullptr)
        return;
    for (size_t i = 0; i < buffers.size(); ++i) {
        p[3 * i] = buffers[i].stride;
        p[3 * i + 1] = buffers[i].offset;
        p[3 * i + 2] = buffers[i].resource.value;
    }
}

void CommandBuffer::set_sampler_views(ShaderType type, std::span<const Handle> views)
{
    uint32_t* p = begin(Command::SetSamplerViews, ObjectType::None, 2 + views.size());
    if (p == nullptr)
        return;
    p[0] = uint32_t(type);
    p[1] = 0; // start slot
    for (size_t i = 0; i < views.size(); ++i)
        p[2 + i] = views[i].value;
}

void CommandBuffer::bind_sampler_states(ShaderType type, std::span<const Handle> states)
{
    uint32_t* p = begin(Command::BindSamplerStates, ObjectType::None, 2 + states.size());
    if (p == nullptr)
        return;
    p[0] = uint32_t(type);
    p[1] = 0; // start slot
    for (size_t i = 0; i < states.size(); ++i)
        p[2 + i] = states[i].value;
}

void CommandBuffer::set_constants(ShaderType type, std::span<const float> values)
{
    // shader type, index (unused by the host), the floats.
    uint32_t* p = begin(Command::SetConstantBuffer, ObjectType::None, 2 + values.size());
    if (p == nullptr)
        return;
    p[0] = uint32_t(type);
    p[1] = 0;
    for (size_t i = 0; i < values.size(); ++i)
        p[2 + i] = float_bits(values[i]);
}

void CommandBuffer::clear_colour(float r, float g, float b, float a)
{
    // buffers, colour (4), depth (a double, 2 dwords), stencil.
    uint32_t* p = begin(Command::Clear, ObjectType::None, 8);
    if (p == nullptr)
        return;
    p[0] = clear_color0;
    p[1] = float_bits(r);
    p[2] = float_bits(g);
    p[3] = float_bits(b);
    p[4] = float_bits(a);
    p[5] = p[6] = p[7] = 0;
}

void CommandBuffer::draw_arrays(Primitive mode, uint32_t start, uint32_t count)
{
    // start, count, mode, indexed, instance count, index bias, start
    // instance, primitive restart, restart index, min index, max index,
    // count from stream output.
    uint32_t* p = begin(Command::DrawVbo, ObjectType::None, 12);
    if (p == nullptr)
        return;
    p[0] = start;
    p[1] = count;
    p[2] = uint32_t(mode);
    p[3] = 0;
    p[4] = 1;
    p[5] = p[6] = p[7] = p[8] = 0;
    p[9] = start;
    p[10] = start + count - 1;
    p[11] = 0;
}

void CommandBuffer::copy_region(ResourceId to, int32_t x, int32_t y, ResourceId from, Rect source)
{
    // destination: resource, level, x, y, z; source: resource, level, x, y,
    // z, width, height, depth.
    uint32_t* p = begin(Command::ResourceCopyRegion, ObjectType::None, 13);
    if (p == nullptr)
        return;
    p[0] = to.value;
    p[1] = 0;
    p[2] = uint32_t(x);
    p[3] = uint32_t(y);
    p[4] = 0;
    p[5] = from.value;
    p[6] = 0;
    p[7] = uint32_t(source.x);
    p[8] = uint32_t(source.y);
    p[9] = 0;
    p[10] = uint32_t(source.width);
    p[11] = uint32_t(source.height);
    p[12] = 1;
}

} // namespace rota::gpu::virgl
