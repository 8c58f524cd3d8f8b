#include "virtio/gpu/virgl/encoder.h"

#include <cstring>

// Payload layouts: virglrenderer's virgl_protocol.h, the VIRGL_OBJ_* and
// VIRGL_SET_* offsets (offset 1 is the first payload dword). docs/virgl.md.

namespace rota::gpu::virgl {

uint32_t* CommandBuffer::begin(Command command, ObjectType object, size_t payload_dwords)
{
    if (m_overflowed || payload_dwords > max_payload_dwords
        || m_length + 1 + payload_dwords > m_storage.size()) {
        m_overflowed = true;
        return nullptr;
    }
    uint32_t* out = m_storage.data() + m_length;
    out[0] = command_header(command, object, uint32_t(payload_dwords));
    m_length += 1 + payload_dwords;
    return out + 1;
}

void CommandBuffer::create_blend(Handle handle, bool premultiplied_over)
{
    // handle, S0 (independent blend, logic op, dither, alpha-to-coverage:
    // all off), S1 (logic op function), then S2 for each of the 8 colour
    // buffers: enable, rgb func/src/dst, alpha func/src/dst, colour mask.
    uint32_t* p = begin(Command::CreateObject, ObjectType::Blend, 11);
    if (p == nullptr)
        return;
    uint32_t rt = blend::colormask_rgba << 27;
    if (premultiplied_over) {
        rt |= 1u | blend::add << 1 | blend::one << 4 | blend::inv_src_alpha << 9 | blend::add << 14
            | blend::one << 17 | blend::inv_src_alpha << 22;
    }
    p[0] = handle.value;
    p[1] = 0;
    p[2] = 0;
    for (int i = 0; i < 8; ++i)
        p[3 + i] = rt;
}

void CommandBuffer::create_rasterizer(Handle handle)
{
    // handle, S0, point size, sprite coord enable, S3, line width, offset
    // units, scale, clamp. S0: depth clip (bit 1), half-pixel centres (bit 29).
    uint32_t* p = begin(Command::CreateObject, ObjectType::Rasterizer, 9);
    if (p == nullptr)
        return;
    p[0] = handle.value;
    p[1] = 1u << 1 | 1u << 29;
    p[2] = float_bits(1.0f);
    p[3] = 0;
    p[4] = 0;
    p[5] = float_bits(1.0f);
    p[6] = 0;
    p[7] = 0;
    p[8] = 0;
}

void CommandBuffer::create_depth_stencil_alpha(Handle handle)
{
    // handle, S0 (depth), S1 and S2 (the two stencil faces), alpha reference.
    uint32_t* p = begin(Command::CreateObject, ObjectType::Dsa, 5);
    if (p == nullptr)
        return;
    p[0] = handle.value;
    p[1] = p[2] = p[3] = p[4] = 0;
}

void CommandBuffer::create_shader(
    Handle handle, ShaderType type, StringView tgsi, uint32_t max_tokens)
{
    // handle, type, text length in bytes with its NUL (no continuation bit:
    // the whole text is here), tokens, stream outputs (none), then the text.
    size_t text_bytes = tgsi.size() + 1;
    size_t text_dwords = (text_bytes + 3) / 4;
    uint32_t* p = begin(Command::CreateObject, ObjectType::Shader, 5 + text_dwords);
    if (p == nullptr)
        return;
    p[0] = handle.value;
    p[1] = uint32_t(type);
    p[2] = uint32_t(text_bytes);
    p[3] = max_tokens;
    p[4] = 0;
    memset(p + 5, 0, text_dwords * 4);
    memcpy(p + 5, tgsi.data(), tgsi.size());
}

void CommandBuffer::create_vertex_elements(Handle handle, std::span<const VertexElement> elements)
{
    // handle, then per element: source offset, instance divisor, buffer, format.
    uint32_t* p = begin(Command::CreateObject, ObjectType::VertexElements, 1 + 4 * elements.size());
    if (p == nullptr)
        return;
    p[0] = handle.value;
    for (size_t i = 0; i < elements.size(); ++i) {
        p[1 + 4 * i] = elements[i].src_offset;
        p[2 + 4 * i] = 0;
        p[3 + 4 * i] = elements[i].buffer_index;
        p[4 + 4 * i] = uint32_t(elements[i].format);
    }
}

void CommandBuffer::create_sampler_state(Handle handle, SamplerState state)
{
    // handle, S0 (wrap s/t/r, min filter, mip filter, mag filter, ...), lod
    // bias, min lod, max lod, border colour (4).
    uint32_t* p = begin(Command::CreateObject, ObjectType::SamplerState, 9);
    if (p == nullptr)
        return;
    uint32_t wrap = sampler::wrap_clamp_to_edge;
    p[0] = handle.value;
    p[1] = wrap | wrap << 3 | wrap << 6 | state.filter << 9 | sampler::mipfilter_none << 11
        | state.filter << 13;
    p[2] = float_bits(0.0f);
    p[3] = float_bits(0.0f);
    p[4] = float_bits(0.0f);
    p[5] = p[6] = p[7] = p[8] = 0;
}

void CommandBuffer::create_sampler_view(Handle handle, ResourceId resource, Format format)
{
    // handle, resource, format (target 0 in bits 24..31: the resource's own),
    // first/last layer, first/last level, swizzle.
    uint32_t* p = begin(Command::CreateObject, ObjectType::SamplerView, 6);
    if (p == nullptr)
        return;
    p[0] = handle.value;
    p[1] = resource.value;
    p[2] = uint32_t(format);
    p[3] = 0;
    p[4] = 0;
    p[5] = swizzle_identity;
}

void CommandBuffer::create_surface(Handle handle, ResourceId resource, Format format)
{
    // handle, resource, format, level, first | last layer << 16.
    uint32_t* p = begin(Command::CreateObject, ObjectType::Surface, 5);
    if (p == nullptr)
        return;
    p[0] = handle.value;
    p[1] = resource.value;
    p[2] = uint32_t(format);
    p[3] = 0;
    p[4] = 0;
}

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
