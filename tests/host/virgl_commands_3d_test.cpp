#include "virtio/gpu/virgl/commands_3d.h"

#include <gtest/gtest.h>

#include <cstring>

// Field by field against virtio 1.2, 5.7.6.10's C structs (le32 unless said).

using namespace rota;
using namespace rota::gpu;

namespace {

template<class T>
uint32_t word(const T& value, size_t offset)
{
    uint32_t w;
    std::memcpy(&w, reinterpret_cast<const uint8_t*>(&value) + offset, 4);
    return w;
}

} // namespace

TEST(Virgl3dCommands, CtxCreateCarriesTheContextAndItsName)
{
    CtxCreate c = make_ctx_create({1}, "rota");
    EXPECT_EQ(word(c, 0), 0x0200u); // VIRTIO_GPU_CMD_CTX_CREATE
    EXPECT_EQ(word(c, 16), 1u); // hdr.ctx_id
    EXPECT_EQ(word(c, 24), 4u); // nlen
    EXPECT_EQ(word(c, 28), 0u); // context_init
    EXPECT_EQ(std::memcmp(reinterpret_cast<const char*>(&c) + 32, "rota\0", 5), 0);
}

TEST(Virgl3dCommands, ResourceCreate3dLaysOutEveryField)
{
    ResourceCreate3d c = make_resource_create_3d({5},
        {virgl::Target::Texture2d, virgl::Format::B8G8R8X8Unorm, (1u << 1) | (1u << 18), 1280, 800,
            0});
    EXPECT_EQ(word(c, 0), 0x0204u);
    EXPECT_EQ(word(c, 16), 0u); // created outside any context
    EXPECT_EQ(word(c, 24), 5u); // resource_id
    EXPECT_EQ(word(c, 28), 2u); // target: PIPE_TEXTURE_2D
    EXPECT_EQ(word(c, 32), 2u); // format: B8G8R8X8_UNORM
    EXPECT_EQ(word(c, 36), 0x40002u); // bind: render target | scanout
    EXPECT_EQ(word(c, 40), 1280u);
    EXPECT_EQ(word(c, 44), 800u);
    EXPECT_EQ(word(c, 48), 1u); // depth
    EXPECT_EQ(word(c, 52), 1u); // array_size
    EXPECT_EQ(word(c, 56), 0u); // last_level
    EXPECT_EQ(word(c, 60), 0u); // nr_samples
    EXPECT_EQ(word(c, 64), 0u); // flags
}

TEST(Virgl3dCommands, TransferOffsetPointsAtTheBoxInTheBacking)
{
    Transfer3d t = make_transfer_3d(CommandType::TransferToHost3d, {1}, {2}, {10, 3, 20, 5}, 5120);
    EXPECT_EQ(word(t, 0), 0x0205u);
    EXPECT_EQ(word(t, 16), 1u); // ctx_id
    // box x, y, z, w, h, d
    EXPECT_EQ(word(t, 24), 10u);
    EXPECT_EQ(word(t, 28), 3u);
    EXPECT_EQ(word(t, 32), 0u);
    EXPECT_EQ(word(t, 36), 20u);
    EXPECT_EQ(word(t, 40), 5u);
    EXPECT_EQ(word(t, 44), 1u);
    EXPECT_EQ(word(t, 48), 3u * 5120 + 10 * 4); // le64 offset, low half
    EXPECT_EQ(word(t, 52), 0u);
    EXPECT_EQ(word(t, 56), 2u); // resource_id
    EXPECT_EQ(word(t, 60), 0u); // level
    EXPECT_EQ(word(t, 64), 5120u); // stride
    EXPECT_EQ(word(t, 68), 0u); // layer_stride

    Transfer3d back = make_transfer_3d(CommandType::TransferFromHost3d, {1}, {5}, {0, 0, 1, 1}, 16);
    EXPECT_EQ(word(back, 0), 0x0206u);
}

TEST(Virgl3dCommands, Submit3dCountsBytesAndAttachNamesTheContext)
{
    Submit3d s = make_submit_3d({1}, 256);
    EXPECT_EQ(word(s, 0), 0x0207u);
    EXPECT_EQ(word(s, 16), 1u);
    EXPECT_EQ(word(s, 24), 256u);
    CtxResource a = make_ctx_attach_resource({1}, {3});
    EXPECT_EQ(word(a, 0), 0x0202u);
    EXPECT_EQ(word(a, 16), 1u);
    EXPECT_EQ(word(a, 24), 3u);
}
