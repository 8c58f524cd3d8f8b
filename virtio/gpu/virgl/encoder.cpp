#include "virtio/gpu/virgl/encoder.h"

#include <cstring>

// The command buffer and the object-creation commands (binds, state and
// draws are in encoder_state.cpp). Payload layouts: virglrenderer's
// virgl_protocol.h, the VIRGL_OBJ_* offsets (offset 1 is the first payload
// dword); docs/virgl.md.

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

} // namespace rota::gpu::virgl
