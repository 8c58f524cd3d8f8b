#include "gfx/canvas/pixel_format.h"

#include <gtest/gtest.h>

#include <vector>

using namespace rota;

TEST(Color, BlendIsExactAtTheEnds)
{
    EXPECT_EQ(blend(rgb(10, 20, 30), rgb(200, 100, 50), 0), rgb(10, 20, 30));
    EXPECT_EQ(blend(rgb(10, 20, 30), rgb(200, 100, 50), 255), rgb(200, 100, 50));
    EXPECT_EQ(blend(rgb(0, 0, 0), rgb(255, 255, 255), 128), rgb(128, 128, 128));
}

TEST(PixelFormat, BgrxIsTheSameBytes)
{
    PixelConverter c(PixelFormat::Bgrx, 0, 0, 0);
    EXPECT_EQ(c.convert(rgb(0x14, 0x4e, 0x44)), 0x00144e44u);
}

TEST(PixelFormat, RgbxSwapsRedAndBlue)
{
    PixelConverter c(PixelFormat::Rgbx, 0, 0, 0);
    // Memory order R, G, B, X: as a little-endian word, 0x00BBGGRR.
    EXPECT_EQ(c.convert(rgb(0x14, 0x4e, 0x44)), 0x00444e14u);
}

TEST(PixelFormat, BitmaskPlacesEachChannel)
{
    // The masks of a bgrx framebuffer described as a bitmask give bgrx.
    PixelConverter same(PixelFormat::Bitmask, 0x00ff0000, 0x0000ff00, 0x000000ff);
    EXPECT_EQ(same.convert(rgb(0xc7, 0x12, 0x34)), 0x00c71234u);
    // RGB565: red 5 bits at 11, green 6 at 5, blue 5 at 0 — the top bits of each.
    PixelConverter rgb565(PixelFormat::Bitmask, 0xf800, 0x07e0, 0x001f);
    EXPECT_EQ(rgb565.convert(rgb(0xff, 0xff, 0xff)), 0xffffu);
    EXPECT_EQ(rgb565.convert(rgb(0xff, 0, 0)), 0xf800u);
    EXPECT_EQ(rgb565.convert(rgb(0, 0x80, 0)), 0x0400u);
    EXPECT_EQ(rgb565.convert(rgb(0, 0, 0x08)), 0x0001u);
    // 10-bit channels (x2r10g10b10): the 8-bit value fills the top 8 bits.
    PixelConverter deep(PixelFormat::Bitmask, 0x3ff00000, 0x000ffc00, 0x000003ff);
    EXPECT_EQ(deep.convert(rgb(0xff, 0, 0)), 0x3fc00000u);
}

TEST(PixelFormat, CopyConvertsOnlyTheRectangle)
{
    std::vector<uint32_t> back(8 * 4, rgb(1, 2, 3));
    Surface source {back.data(), 8, 4, 8};
    std::vector<uint32_t> framebuffer(10 * 4, 0xdeadbeef); // pitch 10 > width 8
    PixelConverter c(PixelFormat::Rgbx, 0, 0, 0);
    c.copy(source, framebuffer.data(), 10, {2, 1, 3, 2});
    for (int y = 0; y < 4; ++y) {
        for (int x = 0; x < 10; ++x) {
            bool inside = x >= 2 && x < 5 && y >= 1 && y < 3;
            EXPECT_EQ(framebuffer[y * 10 + x], inside ? 0x00030201u : 0xdeadbeefu) << x << "," << y;
        }
    }
}
