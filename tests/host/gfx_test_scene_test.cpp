#include "gfx/test_scene.h"

#include <gtest/gtest.h>

#include "support/test_canvas.h"

#include <vector>

using namespace rota;

namespace {

struct Canvas : TestCanvas {
    Canvas(int32_t w, int32_t h)
        : TestCanvas(w, h, 0x123456)
    {
    }
};

} // namespace

TEST(TestScene, KnownColoursAtKnownPlaces)
{
    Canvas c(320, 200);
    Damage damage(c.surface.bounds());
    draw_test_scene(c.surface, 0, true, damage);
    EXPECT_EQ(damage.rects().size(), 1u);
    EXPECT_EQ(c.surface.at(319, 10), rgb(255, 0x40, 0x80)); // gradient's right end
    EXPECT_EQ(c.surface.at(160, 10), rgb(160 * 255 / 319, 0x40, 0x80));
    EXPECT_EQ(c.surface.at(100, 150), test_scene_block_colors[1]);
    EXPECT_EQ(c.surface.at(300, 199), test_scene_block_colors[3]);
    EXPECT_EQ(c.surface.at(0, 10), test_scene_bar_color); // bar at x = 0 in frame 0
}

TEST(TestScene, IncrementalFramesEqualFullRedraws)
{
    Canvas incremental(320, 200);
    Damage damage(incremental.surface.bounds());
    for (uint64_t frame = 0; frame < 100; ++frame) {
        damage.clear();
        draw_test_scene(incremental.surface, frame, false, damage);
        Canvas full(320, 200);
        Damage ignored(full.surface.bounds());
        draw_test_scene(full.surface, frame, true, ignored);
        ASSERT_EQ(incremental.pixels, full.pixels) << "frame " << frame;
        if (frame > 0) {
            // Only the bar's neighbourhood was damaged, never the whole screen.
            EXPECT_LT(damage.area(), int64_t(320) * 200 / 2) << "frame " << frame;
        }
    }
}

TEST(TestScene, BarMoves)
{
    EXPECT_NE(test_scene_bar_x(0, 1280), test_scene_bar_x(10, 1280));
    EXPECT_EQ(test_scene_bar_x(1, 1280), 8);
}
