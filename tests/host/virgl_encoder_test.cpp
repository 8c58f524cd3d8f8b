#include "virtio/gpu/virgl/encoder.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "virtio/gpu/virgl/shaders.h"

// Every expectation is written out from virglrenderer's virgl_protocol.h: the
// header is cmd | object << 8 | payload length << 16, and the VIRGL_OBJ_* /
// VIRGL_SET_* offsets give each payload dword. Floats are their IEEE bits.

using namespace rota;
using rota::gpu::ResourceId;
using namespace rota::gpu::virgl;

namespace {

constexpr uint32_t one_f = 0x3f800000; // 1.0f
constexpr uint32_t half_f = 0x3f000000; // 0.5f

std::vector<uint32_t> encode(void (*body)(CommandBuffer&))
{
    std::vector<uint32_t> storage(4096, 0xdeadbeef);
    CommandBuffer buffer(storage);
    body(buffer);
    EXPECT_FALSE(buffer.overflowed());
    return {buffer.words().begin(), buffer.words().end()};
}

} // namespace

TEST(VirglEncoder, SurfaceIsCreateObjectWithFivePayloadDwords)
{
    auto words
        = encode([](CommandBuffer& b) { b.create_surface({9}, {1}, Format::B8G8R8X8Unorm); });
    // CREATE_OBJECT (1), SURFACE (8), 5 dwords: handle, resource, format,
    // level 0, layers 0..0.
    std::vector<uint32_t> want {0x00050801, 9, 1, 2, 0, 0};
    EXPECT_EQ(words, want);
}

TEST(VirglEncoder, PremultipliedBlendSetsOneAndInverseSourceAlphaOnEveryBuffer)
{
    auto words = encode([](CommandBuffer& b) { b.create_blend({1}, true); });
    // S2: enable (bit 0), rgb func ADD (0) << 1, src ONE (1) << 4, dst
    // INV_SRC_ALPHA (0x13) << 9, alpha func ADD << 14, src ONE << 17, dst
    // INV_SRC_ALPHA << 22, colour mask 0xf << 27.
    uint32_t rt = 0x1u | 0x1u << 4 | 0x13u << 9 | 0x1u << 17 | 0x13u << 22 | 0xfu << 27;
    EXPECT_EQ(rt, 0x7cc22611u);
    std::vector<uint32_t> want {0x000b0101, 1, 0, 0, rt, rt, rt, rt, rt, rt, rt, rt};
    EXPECT_EQ(words, want);

    auto off = encode([](CommandBuffer& b) { b.create_blend({2}, false); });
    EXPECT_EQ(off[0], 0x000b0101u);
    EXPECT_EQ(off[4], 0x78000000u); // only the colour mask
}

TEST(VirglEncoder, RasterizerAndDepthStencilAlpha)
{
    auto words = encode([](CommandBuffer& b) {
        b.create_rasterizer({2});
        b.create_depth_stencil_alpha({3});
    });
    // RASTERIZER (2), 9 dwords: S0 = depth clip (bit 1) | half-pixel centre
    // (bit 29); point size 1.0; sprite coord 0; S3 0; line width 1.0; offsets 0.
    std::vector<uint32_t> want {0x00090201, 2, 0x20000002, one_f, 0, 0, one_f, 0, 0, 0,
        // DSA (3), 5 dwords, all tests off.
        0x00050301, 3, 0, 0, 0, 0};
    EXPECT_EQ(words, want);
}

TEST(VirglEncoder, ShaderTextIsNulTerminatedAndPaddedToDwords)
{
    std::vector<uint32_t> storage(64);
    CommandBuffer b(storage);
    b.create_shader({4}, ShaderType::Fragment, "FRAG\nEND\n", 100);
    // 9 characters + NUL = 10 bytes = 3 dwords of text; payload 5 + 3.
    ASSERT_EQ(b.words().size(), 9u);
    EXPECT_EQ(b.words()[0], 0x00080401u); // CREATE_OBJECT, SHADER (4), 8 dwords
    EXPECT_EQ(b.words()[1], 4u); // handle
    EXPECT_EQ(b.words()[2], 1u); // PIPE_SHADER_FRAGMENT
    EXPECT_EQ(b.words()[3], 10u); // text bytes with the NUL, no continuation bit
    EXPECT_EQ(b.words()[4], 100u); // tokens
    EXPECT_EQ(b.words()[5], 0u); // no stream outputs
    char text[12];
    std::memcpy(text, &b.words()[6], 12);
    EXPECT_EQ(std::memcmp(text, "FRAG\nEND\n\0\0\0", 12), 0);
}

TEST(VirglEncoder, ShipsShadersThatEndInEnd)
{
    for (StringView text : {quad_vertex_shader, textured_fragment_shader}) {
        std::string s(text.data(), text.size());
        EXPECT_NE(s.find("END\n"), std::string::npos) << s;
        EXPECT_EQ(s.find('\0'), std::string::npos);
    }
}

TEST(VirglEncoder, VertexElementsSamplerStateAndView)
{
    auto words = encode([](CommandBuffer& b) {
        const VertexElement elements[] = {{0, 0, Format::R32G32Float}, {8, 0, Format::R32G32Float}};
        b.create_vertex_elements({6}, elements);
        b.create_sampler_state({7}, {sampler::filter_linear});
        b.create_sampler_view({8}, {3}, Format::B8G8R8A8Unorm);
    });
    std::vector<uint32_t> want {// VERTEX_ELEMENTS (5), 1 + 4 × 2 dwords
        0x00090501, 6, 0, 0, 0, 29, 8, 0, 0, 29,
        // SAMPLER_STATE (7), 9 dwords: wrap s/t/r CLAMP_TO_EDGE (2) at bits
        // 0, 3, 6; min filter LINEAR at 9; mip filter NONE (2) at 11; mag
        // filter LINEAR at 13; lod bias, min, max lod 0; border colour 0.
        0x00090701, 7, 0x2 | 0x2 << 3 | 0x2 << 6 | 1 << 9 | 2 << 11 | 1 << 13, 0, 0, 0, 0, 0, 0, 0,
        // SAMPLER_VIEW (6), 6 dwords: handle, resource, format, layers,
        // levels, swizzle X Y Z W = 0 | 1 << 3 | 2 << 6 | 3 << 9.
        0x00060601, 8, 3, 1, 0, 0, 0x688};
    EXPECT_EQ(words, want);
}

TEST(VirglEncoder, BindsAndState)
{
    auto words = encode([](CommandBuffer& b) {
        b.bind_object(ObjectType::Blend, {1});
        b.bind_shader({4}, ShaderType::Vertex);
        b.set_framebuffer({9});
        b.set_viewport({{640.0f, 400.0f, 0.5f}, {640.0f, 400.0f, 0.5f}});
        const VertexBuffer buffers[] = {{16, 0, {4}}};
        b.set_vertex_buffers(buffers);
        const Handle views[] = {{8}};
        b.set_sampler_views(ShaderType::Fragment, views);
        b.bind_sampler_states(ShaderType::Fragment, views);
    });
    std::vector<uint32_t> want {
        0x00010102, 1, // BIND_OBJECT (2), BLEND
        0x0002001f, 4, 0, // BIND_SHADER (31): handle, vertex
        0x00030005, 1, 0, 9, // SET_FRAMEBUFFER_STATE: 1 colour buffer, no depth, surface 9
        0x00070004, 0, 0x44200000, 0x43c80000, half_f, 0x44200000, 0x43c80000, half_f, 0x00030006,
        16, 0, 4, // SET_VERTEX_BUFFERS: stride, offset, resource
        0x0003000a, 1, 0, 8, // SET_SAMPLER_VIEWS: fragment, slot 0, view 8
        0x00030012, 1, 0, 8, // BIND_SAMPLER_STATES (18)
    };
    EXPECT_EQ(words, want);
}

TEST(VirglEncoder, ConstantsClearDrawAndCopy)
{
    auto words = encode([](CommandBuffer& b) {
        const float constants[] = {1.0f, 0.5f};
        b.set_constants(ShaderType::Vertex, constants);
        b.clear_colour(1.0f, 0.0f, 0.5f, 1.0f);
        b.draw_arrays(Primitive::TriangleStrip, 0, 4);
        b.copy_region({1}, 10, 20, {2}, {10, 20, 30, 40});
    });
    std::vector<uint32_t> want {0x0004000c, 0, 0, one_f,
        half_f, // SET_CONSTANT_BUFFER: vertex, index 0, 2 floats
        0x00080007, 4, one_f, 0, half_f, one_f, 0, 0, 0, // CLEAR colour 0; depth 0.0; stencil 0
        // DRAW_VBO (8), 12 dwords: start 0, count 4, TRIANGLE_STRIP (5), not
        // indexed, 1 instance, bias 0, start instance 0, no restart, restart
        // index 0, min index 0, max index 3, not from stream output.
        0x000c0008, 0, 4, 5, 0, 1, 0, 0, 0, 0, 0, 3, 0,
        // RESOURCE_COPY_REGION (17), 13 dwords.
        0x000d0011, 1, 0, 10, 20, 0, 2, 0, 10, 20, 0, 30, 40, 1};
    EXPECT_EQ(words, want);
}

TEST(VirglEncoder, ACommandThatDoesNotFitIsDroppedAndMarksOverflow)
{
    std::vector<uint32_t> storage(8);
    CommandBuffer b(storage);
    b.bind_object(ObjectType::Blend, {1}); // 2 dwords
    b.create_surface({9}, {1}, Format::B8G8R8X8Unorm); // 6 dwords: exactly full
    EXPECT_FALSE(b.overflowed());
    EXPECT_EQ(b.words().size(), 8u);
    b.bind_object(ObjectType::Blend, {2});
    EXPECT_TRUE(b.overflowed());
    EXPECT_EQ(b.words().size(), 8u);

    // Once overflowed, nothing more is written even where it would fit: a
    // stream with a hole in it must never reach the host.
    b.reset();
    b.bind_object(ObjectType::Blend, {1});
    b.copy_region({1}, 0, 0, {2}, {0, 0, 1, 1}); // 14 dwords: too many
    b.bind_object(ObjectType::Blend, {3});
    EXPECT_TRUE(b.overflowed());
    EXPECT_EQ(b.words().size(), 2u);
    b.reset();
    EXPECT_FALSE(b.overflowed());
    EXPECT_EQ(b.bytes(), 0u);
}
