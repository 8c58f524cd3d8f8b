#include "gfx/text/text.h"

#include <gtest/gtest.h>

#include "support/test_canvas.h"

#include <vector>

#include "gfx/text/font.h"
#include "gfx/text/text_atlas.h"
#include "gfx/text/text_smooth.h"

using namespace rota;

namespace {

constexpr Color paper = 0x102030;
constexpr Color ink = 0xffe087;

struct Canvas : TestCanvas {
    Canvas(int32_t w, int32_t h, Color fill = paper)
        : TestCanvas(w, h, fill)
    {
    }
};

// Every pixel that differs from `fill` lies inside `inside`.
::testing::AssertionResult changes_only_inside(const Canvas& c, Rect inside, Color fill = paper)
{
    for (int32_t y = 0; y < c.surface.height; ++y)
        for (int32_t x = 0; x < c.surface.width; ++x)
            if (c.at(x, y) != fill && !inside.contains(x, y))
                return ::testing::AssertionFailure() << "pixel (" << x << ", " << y << ") changed";
    return ::testing::AssertionSuccess();
}

} // namespace

TEST(Text, WidthCountsGlyphsGapsAndSpacing)
{
    EXPECT_EQ(text_width(""), 0);
    EXPECT_EQ(text_width("A"), 7);
    EXPECT_EQ(text_width("AB"), 15);
    EXPECT_EQ(text_width("W I N !", 3), 7 * 24 - 3);
    EXPECT_EQ(text_width("W I N !", 3, 2), 7 * 26 - 2 - 3);
    EXPECT_EQ(text_width("0123456789", 2), 10 * 16 - 2);
    EXPECT_EQ(text_height(), 16);
    EXPECT_EQ(text_height(5), 80);
    EXPECT_EQ(text_baseline(2), 26);
    EXPECT_EQ(text_bounds(10, 20, "ab", 2), (Rect {10, 20, 30, 32}));
}

TEST(Text, CenteredBoxSharesTheCentre)
{
    Rect box {100, 50, 400, 80};
    Rect t = text_bounds_centered(box, "W I N !", 3);
    EXPECT_EQ(t.width, text_width("W I N !", 3));
    EXPECT_LE(std::abs((t.x + t.right()) - (box.x + box.right())), 1);
    EXPECT_LE(std::abs((t.y + t.bottom()) - (box.y + box.bottom())), 1);
    Rect small = text_bounds_centered({0, 0, 10, 10}, "WIDE TEXT", 2);
    EXPECT_LT(small.x, 0); // still centred when it does not fit
}

TEST(Text, ScaleOneIsTheBitmap)
{
    Canvas c(64, 20);
    Rect touched = draw_text(c.surface, c.surface.bounds(), 3, 2, "Ag", ink);
    EXPECT_EQ(touched, (Rect {3, 2, 15, 16}));
    for (int i = 0; i < 2; ++i) {
        const uint8_t* rows = font_glyph("Ag"[i]);
        for (int r = 0; r < 16; ++r)
            for (int col = 0; col < 8; ++col) {
                bool on = rows[r] & (0x80 >> col);
                EXPECT_EQ(c.at(3 + i * 8 + col, 2 + r), on ? ink : paper)
                    << i << " " << r << " " << col;
            }
    }
}

TEST(Text, NothingOutsideTheClipOrTheBounds)
{
    for (int32_t scale = 1; scale <= max_text_scale; ++scale) {
        Canvas c(420, 160);
        Rect clip {37, 11, 201, 90};
        Rect touched = draw_text(c.surface, clip, 20, 5, "Wheel of Fate 0123 @#&", ink, scale, 1);
        EXPECT_TRUE(clip.covers(touched)) << scale;
        EXPECT_TRUE(changes_only_inside(c, touched)) << scale;
        EXPECT_TRUE(changes_only_inside(c, clip)) << scale;

        Canvas whole(420, 160);
        Rect bounds = text_bounds(-5, 3, "gjpqy|{}QW", scale, -1);
        EXPECT_EQ(
            draw_text(whole.surface, whole.surface.bounds(), -5, 3, "gjpqy|{}QW", ink, scale, -1),
            bounds.intersect(whole.surface.bounds()));
        EXPECT_TRUE(changes_only_inside(whole, bounds)) << scale;
    }
}

TEST(Text, DrawingThroughTilesEqualsOneDraw)
{
    for (int32_t scale = 1; scale <= max_text_scale; ++scale) {
        Canvas full(300, 140), tiled(300, 140);
        const char* text = "Fortune 42 ~";
        draw_text(full.surface, full.surface.bounds(), 7, 9, text, ink, scale, 3);
        for (int32_t ty = 0; ty < 140; ty += 23)
            for (int32_t tx = 0; tx < 300; tx += 37)
                draw_text(tiled.surface, {tx, ty, 37, 23}, 7, 9, text, ink, scale, 3);
        EXPECT_EQ(full.pixels, tiled.pixels) << "scale " << scale;
    }
}

TEST(Text, SmoothedGlyphsAreMirrorSymmetricWhereTheArtIs)
{
    for (int32_t scale = 2; scale <= max_text_scale; ++scale) {
        for (char g : std::string("HOXUMWAo08")) {
            int32_t w = font_ink_width * scale;
            uint8_t coverage[64];
            for (int32_t r = 0; r < 16 * scale; ++r) {
                if (!smooth_glyph_row(font_glyph(g), scale, r, coverage))
                    continue;
                for (int32_t x = 0; x < w / 2; ++x)
                    ASSERT_EQ(coverage[x], coverage[w - 1 - x])
                        << g << " scale " << scale << " row " << r;
            }
        }
    }
}

TEST(Text, SmoothedStemsKeepTheirWidthAndCountersStayClear)
{
    for (int32_t scale = 2; scale <= max_text_scale; ++scale) {
        uint8_t coverage[64];
        // Row 9 of 'H' is "##...##": a stem either side, the counter between.
        int32_t r = 9 * scale + scale / 2;
        ASSERT_TRUE(smooth_glyph_row(font_glyph('H'), scale, r, coverage));
        for (int32_t x = 0; x < 7 * scale; ++x) {
            bool stem = x < 2 * scale || (x >= 5 * scale && x < 7 * scale);
            EXPECT_EQ(coverage[x], stem ? smooth_coverage_full : 0u)
                << "scale " << scale << " x " << x;
        }
        // Column 7, the letter gap, never has ink.
        for (char g = 33; g < 127; ++g)
            for (int32_t row = 0; row < 16 * scale; ++row)
                if (smooth_glyph_row(font_glyph(g), scale, row, coverage)) {
                    for (int32_t x = 7 * scale; x < 8 * scale; ++x)
                        ASSERT_EQ(coverage[x], 0) << g << " scale " << scale;
                }
    }
}

TEST(Text, SmoothedInkIsCloseToTheBitmapsArea)
{
    for (int32_t scale = 2; scale <= max_text_scale; ++scale) {
        for (char g = 33; g < 127; ++g) {
            const uint8_t* rows = font_glyph(g);
            int64_t bitmap = 0, smooth = 0;
            for (int r = 0; r < 16; ++r)
                bitmap += __builtin_popcount(rows[r]);
            uint8_t coverage[64];
            for (int32_t r = 0; r < 16 * scale; ++r)
                if (smooth_glyph_row(rows, scale, r, coverage))
                    for (int32_t x = 0; x < 8 * scale; ++x)
                        smooth += coverage[x];
            double ratio = double(smooth) / double(bitmap * scale * scale * 16);
            EXPECT_GT(ratio, 0.85) << g << " scale " << scale;
            EXPECT_LT(ratio, 1.15) << g << " scale " << scale;
        }
    }
}

TEST(Text, OtherBytesDrawTheReplacementGlyph)
{
    Canvas a(40, 20), b(40, 20);
    draw_text(a.surface, a.surface.bounds(), 0, 0, "\n", ink, 1);
    draw_text(b.surface, b.surface.bounds(), 0, 0, "\x7f", ink, 1);
    EXPECT_EQ(a.pixels, b.pixels);
    EXPECT_NE(a.pixels, Canvas(40, 20).pixels);
}

TEST(Text, SpacesAndEmptyTextDrawNothing)
{
    Canvas c(100, 40);
    draw_text(c.surface, c.surface.bounds(), 0, 0, "     ", ink, 2);
    draw_text(c.surface, c.surface.bounds(), 0, 0, "", ink, 2);
    EXPECT_EQ(c.pixels, Canvas(100, 40).pixels);
    EXPECT_TRUE(draw_text(c.surface, c.surface.bounds(), 0, 0, "", ink, 2).empty());
}

TEST(TextAtlas, DrawsTheSamePixelsAsSmoothingEachTime)
{
    for (int32_t scale = 2; scale <= max_text_scale; ++scale) {
        std::vector<uint8_t> storage(TextAtlas::storage_bytes(scale));
        TextAtlas atlas;
        atlas.prepare(storage, scale);
        ASSERT_TRUE(atlas.ready());
        EXPECT_EQ(atlas.scale(), scale);
        const char* text = "0 1 2 3 4 5 6 7 8 9 10 11 ~gjpqy\x01";
        Canvas direct(760, 160), cached(760, 160), tiled(760, 160);
        Rect a = draw_text(direct.surface, direct.surface.bounds(), -3, 5, text, ink, scale, 1);
        Rect b = draw_text(cached.surface, cached.surface.bounds(), -3, 5, text, ink, atlas, 1);
        EXPECT_EQ(a, b);
        EXPECT_EQ(direct.pixels, cached.pixels) << "scale " << scale;
        for (int32_t ty = 0; ty < 160; ty += 19)
            draw_text(tiled.surface, {0, ty, 760, 19}, -3, 5, text, ink, atlas, 1);
        EXPECT_EQ(direct.pixels, tiled.pixels) << "scale " << scale;
        Rect box {100, 20, 300, 100};
        Canvas centred_direct(760, 160), centred_cached(760, 160);
        draw_text_centered(
            centred_direct.surface, centred_direct.surface.bounds(), box, "W I N !", ink, scale);
        draw_text_centered(
            centred_cached.surface, centred_cached.surface.bounds(), box, "W I N !", ink, atlas);
        EXPECT_EQ(centred_direct.pixels, centred_cached.pixels);
    }
}
