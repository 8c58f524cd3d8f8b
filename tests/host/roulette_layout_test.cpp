#include "gfx/roulette/layout.h"

#include <gtest/gtest.h>

using namespace rota;

namespace {

void expect_layers_apart(const RouletteLayout& l)
{
    Rect wheel {l.wheel_cx - l.wheel_radius - 1, l.wheel_cy - l.wheel_radius - 1,
        2 * l.wheel_radius + 3, 2 * l.wheel_radius + 3};
    Rect screen {0, 0, l.width, l.height};
    for (Rect r : {wheel, l.pointer, l.fate_box, l.banner}) {
        EXPECT_TRUE(screen.covers(r)) << l.width << "x" << l.height;
    }
    EXPECT_FALSE(wheel.intersects(l.fate_box)) << l.width << "x" << l.height;
    EXPECT_FALSE(wheel.intersects(l.banner));
    // The pointer's tip touches the rim; only the ring turns, well inside it.
    EXPECT_LE(l.pointer.bottom(), l.wheel_cy - l.wheel_radius + 1);
    EXPECT_FALSE(l.fate_box.intersects(l.banner));
    if (l.hud.width > 0) {
        EXPECT_FALSE(l.hud.intersects(wheel));
        EXPECT_TRUE(screen.covers(l.hud));
    }
}

} // namespace

TEST(RouletteLayout, SpecRadiusOnUsualScreens)
{
    for (auto [w, h] : {std::pair {1280, 800}, {1024, 768}, {1920, 1080}, {2560, 1600}}) {
        RouletteLayout l = compute_layout(w, h);
        EXPECT_EQ(l.wheel_radius, std::min(w, h) * 35 / 100) << w << "x" << h;
        EXPECT_EQ(l.wheel_cx, w / 2);
        EXPECT_EQ(l.fate_box.width, 200);
        EXPECT_EQ(l.fate_box.height, 60);
        EXPECT_EQ(l.banner.width, 400);
        EXPECT_EQ(l.banner.height, 80);
        EXPECT_GT(l.fate_box.y, l.wheel_cy + l.wheel_radius);
        EXPECT_GE(l.banner.y, l.fate_box.bottom());
        expect_layers_apart(l);
    }
}

TEST(RouletteLayout, ShortScreensShrinkTheWheelInsteadOfOverlapping)
{
    for (auto [w, h] : {std::pair {640, 400}, {800, 600}, {640, 480}}) {
        RouletteLayout l = compute_layout(w, h);
        EXPECT_LE(l.wheel_radius, std::min(w, h) * 35 / 100);
        expect_layers_apart(l);
    }
}
