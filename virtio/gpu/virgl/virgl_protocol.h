#pragma once

#include <cstdint>

// The virgl command stream: what SUBMIT_3D carries (virtio 1.2, 5.7.6.10:
// "the command buffer is opaque to virtio-gpu"). Its format is defined by the
// host renderer, virglrenderer, in virgl_protocol.h and virgl_hw.h, and
// follows Gallium's pipe state; docs/virgl.md summarises the parts rota uses.
// Every command is a header dword, cmd | object << 8 | payload_dwords << 16,
// then the payload.

namespace rota::gpu::virgl {

enum class Command : uint8_t {
    Nop = 0,
    CreateObject = 1,
    BindObject = 2,
    DestroyObject = 3,
    SetViewportState = 4,
    SetFramebufferState = 5,
    SetVertexBuffers = 6,
    Clear = 7,
    DrawVbo = 8,
    ResourceInlineWrite = 9,
    SetSamplerViews = 10,
    SetIndexBuffer = 11,
    SetConstantBuffer = 12,
    SetStencilRef = 13,
    SetBlendColor = 14,
    SetScissorState = 15,
    Blit = 16,
    ResourceCopyRegion = 17,
    BindSamplerStates = 18,
    BindShader = 31,
};

enum class ObjectType : uint8_t {
    None = 0,
    Blend = 1,
    Rasterizer = 2,
    Dsa = 3,
    Shader = 4,
    VertexElements = 5,
    SamplerView = 6,
    SamplerState = 7,
    Surface = 8,
};

constexpr uint32_t command_header(Command command, ObjectType object, uint32_t payload_dwords)
{
    return uint32_t(command) | uint32_t(object) << 8 | payload_dwords << 16;
}
inline constexpr uint32_t max_payload_dwords = 0xffff;

// Gallium's shader stages (enum pipe_shader_type).
enum class ShaderType : uint32_t { Vertex = 0, Fragment = 1 };

// virgl_hw.h enum virgl_formats: the formats rota creates resources and views in.
enum class Format : uint32_t {
    B8G8R8A8Unorm = 1,
    B8G8R8X8Unorm = 2,
    R32G32Float = 29,
    R8Unorm = 64,
};

// virgl_hw.h VIRGL_BIND_*: how a resource will be used.
namespace bind {
inline constexpr uint32_t render_target = 1u << 1;
inline constexpr uint32_t sampler_view = 1u << 3;
inline constexpr uint32_t vertex_buffer = 1u << 4;
inline constexpr uint32_t scanout = 1u << 18;
} // namespace bind

// Gallium's enum pipe_texture_target.
enum class Target : uint32_t { Buffer = 0, Texture2d = 2 };

// virgl_hw.h VIRGL_RESOURCE_Y_0_TOP: the resource's row 0 is the top of the
// picture (QEMU shows such a scanout without flipping it).
inline constexpr uint32_t resource_y_0_top = 1u << 0;

// Gallium's enum pipe_prim_type.
enum class Primitive : uint32_t { Triangles = 4, TriangleStrip = 5 };

// PIPE_CLEAR_COLOR0.
inline constexpr uint32_t clear_color0 = 1u << 2;

// Gallium's blend factors and functions (p_defines.h).
namespace blend {
inline constexpr uint32_t add = 0;
inline constexpr uint32_t one = 0x01;
inline constexpr uint32_t inv_src_alpha = 0x13;
inline constexpr uint32_t colormask_rgba = 0xf;
} // namespace blend

// Gallium's sampler enums (p_defines.h).
namespace sampler {
inline constexpr uint32_t wrap_clamp_to_edge = 2;
inline constexpr uint32_t filter_nearest = 0;
inline constexpr uint32_t filter_linear = 1;
inline constexpr uint32_t mipfilter_none = 2;
} // namespace sampler

// Gallium's enum pipe_swizzle: the identity is X, Y, Z, W.
inline constexpr uint32_t swizzle_identity = 0 | 1 << 3 | 2 << 6 | 3 << 9;

} // namespace rota::gpu::virgl
