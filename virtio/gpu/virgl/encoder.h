#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/display/rect.h"
#include "core/lib/string_view.h"
#include "virtio/gpu/protocol.h"
#include "virtio/gpu/virgl/virgl_protocol.h"

// rota's encoder for the virgl command stream (virgl_protocol.h in
// virglrenderer; docs/virgl.md): one call per command, each appending its
// header and payload to caller-provided storage. Pure, so host tests can
// compare the dwords with layouts worked out by hand.
//
// Storage is fixed: a command that does not fit is not written and the
// buffer is marked overflowed (the caller checks once, before submitting).

namespace rota::gpu::virgl {

// An object in the context's namespace (a blend state, a shader, a surface):
// chosen by the guest, never 0.
struct Handle {
    uint32_t value;
    constexpr bool operator==(const Handle&) const = default;
};

struct VertexElement {
    uint32_t src_offset; // bytes into the vertex
    uint32_t buffer_index;
    Format format;
};

struct VertexBuffer {
    uint32_t stride; // bytes per vertex
    uint32_t offset; // bytes into the resource
    ResourceId resource;
};

// Window coordinates = NDC × scale + translate (Gallium's pipe_viewport_state).
struct Viewport {
    float scale[3];
    float translate[3];
};

struct SamplerState {
    uint32_t filter; // sampler::filter_nearest or filter_linear, both directions
};

class CommandBuffer {
public:
    explicit CommandBuffer(std::span<uint32_t> storage)
        : m_storage(storage)
    {
    }

    std::span<const uint32_t> words() const { return m_storage.first(m_length); }
    size_t bytes() const { return m_length * 4; }
    bool overflowed() const { return m_overflowed; }
    void reset()
    {
        m_length = 0;
        m_overflowed = false;
    }

    // Blending off, or premultiplied "over" (ONE, ONE_MINUS_SRC_ALPHA).
    void create_blend(Handle handle, bool premultiplied_over);
    // Filled, not culled, clipped to depth, pixel centres at half integers.
    void create_rasterizer(Handle handle);
    // No depth, stencil or alpha test.
    void create_depth_stencil_alpha(Handle handle);
    // TGSI as text, NUL-terminated on the wire; `max_tokens` bounds the host's
    // translation of it.
    void create_shader(Handle handle, ShaderType type, StringView tgsi, uint32_t max_tokens);
    void create_vertex_elements(Handle handle, std::span<const VertexElement> elements);
    void create_sampler_state(Handle handle, SamplerState state);
    void create_sampler_view(Handle handle, ResourceId resource, Format format);
    void create_surface(Handle handle, ResourceId resource, Format format);

    void bind_object(ObjectType type, Handle handle);
    void bind_shader(Handle handle, ShaderType type);
    void set_framebuffer(Handle colour_surface);
    void set_viewport(const Viewport& viewport);
    void set_vertex_buffers(std::span<const VertexBuffer> buffers);
    void set_sampler_views(ShaderType type, std::span<const Handle> views);
    void bind_sampler_states(ShaderType type, std::span<const Handle> states);
    void set_constants(ShaderType type, std::span<const float> values);

    // Clears colour buffer 0 to (r, g, b, a), each 0..1.
    void clear_colour(float r, float g, float b, float a);
    void draw_arrays(Primitive mode, uint32_t start, uint32_t count);
    // Copies `source` of `from` to (x, y) of `to`, level 0, one layer.
    void copy_region(ResourceId to, int32_t x, int32_t y, ResourceId from, Rect source);

private:
    // Reserves header + payload; null (and overflowed) when they do not fit.
    uint32_t* begin(Command command, ObjectType object, size_t payload_dwords);

    std::span<uint32_t> m_storage;
    size_t m_length {0};
    bool m_overflowed {false};
};

// The float's bits, as the stream carries them.
constexpr uint32_t float_bits(float value)
{
    return __builtin_bit_cast(uint32_t, value);
}

} // namespace rota::gpu::virgl
