#include "gfx/roulette/layout.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gfx/roulette/roulette_scene.h"
#include "gfx/roulette/wheel.h"

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

namespace {

// Everything a layout promises, whatever the screen: shown rectangles inside
// the screen and apart, a wheel the renderer can draw, a fit that says what
// was left out.
void expect_sound(const RouletteLayout& l)
{
    SCOPED_TRACE(std::to_string(l.width) + "x" + std::to_string(l.height) + " "
        + rota::layout_fit_name(l.fit));
    Rect screen {0, 0, l.width, l.height};
    EXPECT_EQ(l.spec_radius, std::min(l.width, l.height) * 35 / 100);
    EXPECT_LE(l.wheel_radius, l.spec_radius);
    if (l.fit == LayoutFit::Blank) {
        EXPECT_EQ(l.wheel_radius, 0);
        EXPECT_TRUE(l.pointer.empty() && l.fate_box.empty() && l.banner.empty() && l.hud.empty());
        EXPECT_FALSE(l.titles);
        return;
    }
    ASSERT_GE(l.wheel_radius, WheelGeometry::min_radius);
    WheelGeometry g = WheelGeometry::for_radius(l.wheel_cx, l.wheel_cy, l.wheel_radius);
    EXPECT_TRUE(screen.covers(g.bounds()));
    EXPECT_TRUE(screen.covers(l.pointer));
    EXPECT_FALSE(l.pointer.empty());
    EXPECT_LE(l.pointer.bottom(), l.wheel_cy - l.wheel_radius + 1); // the tip touches the rim
    EXPECT_EQ(l.titles, l.fit == LayoutFit::Spec || l.fit == LayoutFit::Shrunk);
    EXPECT_EQ(l.fit == LayoutFit::Spec, l.titles && l.wheel_radius == l.spec_radius);
    if (l.titles) {
        EXPECT_GE(l.title_y, 0);
        EXPECT_GE(l.subtitle_y, l.title_y + 16 * l.title_scale);
        EXPECT_GE(l.pointer.y, l.subtitle_y + 16 * l.subtitle_scale);
    }
    bool stacked = l.fit != LayoutFit::WheelOnly;
    EXPECT_EQ(l.fate_box.empty(), !stacked);
    EXPECT_EQ(l.banner.empty(), !stacked);
    if (stacked) {
        for (Rect r : {l.fate_box, l.banner}) {
            EXPECT_TRUE(screen.covers(r));
            EXPECT_FALSE(r.intersects(g.bounds()));
        }
        EXPECT_FALSE(l.fate_box.intersects(l.banner));
        EXPECT_EQ(l.fate_box.width, std::min(200, l.width - 4));
        EXPECT_EQ(l.banner.width, std::min(400, l.width - 4));
        EXPECT_EQ(l.fate_box.height, 60);
        EXPECT_EQ(l.banner.height, 80);
    }
    if (!l.hud.empty()) {
        EXPECT_TRUE(screen.covers(l.hud));
        EXPECT_GE(l.hud.height, 200); // room for the content down to the first result
        for (Rect r : {g.bounds(), l.fate_box, l.banner, l.pointer})
            EXPECT_FALSE(l.hud.intersects(r));
    }
}

} // namespace

// From the smallest mode rota accepts (16x16) to the
// largest (16384x16384), and on very uneven screens, the layout keeps its
// promises; screens smaller than any mode (device input) get one too.
TEST(RouletteLayout, EveryScreenSizeIsSound)
{
    std::vector<int32_t> sides {0, 1, 2, 5, 15, 16, 17, 23, 31, 47, 64, 99, 100, 127, 200, 241, 263,
        267, 274, 299, 333, 480, 599, 767, 768, 1023, 1080, 2047, 4000, 9999, 16384};
    for (int32_t side = 16; side < 1200; side += 37)
        sides.push_back(side);
    for (int32_t w : sides) {
        for (int32_t h : sides)
            expect_sound(compute_layout(w, h));
    }
    EXPECT_EQ(compute_layout(16, 16).fit, LayoutFit::WheelOnly);
    EXPECT_EQ(compute_layout(17, 4000).fit, LayoutFit::WheelOnly);
    EXPECT_EQ(compute_layout(4000, 17).fit, LayoutFit::WheelOnly);
    EXPECT_EQ(compute_layout(2, 2).fit, LayoutFit::Blank);
    EXPECT_EQ(compute_layout(200, 600).fit, LayoutFit::Compact); // too narrow for the titles
}

// What is left for a wheel that does not fit in memory: ever smaller radii,
// and in the end no wheel at all, which needs no memory.
TEST(RouletteLayout, SmallerLayoutsEndWithoutAWheel)
{
    for (auto [w, h] : {std::pair {16384, 16384}, {1280, 800}, {16, 16}, {4000, 17}}) {
        RouletteLayout l = compute_layout(w, h);
        int steps = 0;
        while (l.fit != LayoutFit::Blank) {
            RouletteLayout next = smaller_layout(l);
            expect_sound(next);
            ASSERT_LT(next.wheel_radius, l.wheel_radius) << w << "x" << h;
            l = next;
            ASSERT_LT(++steps, 20);
        }
        EXPECT_EQ(l.wheel_radius, 0);
        EXPECT_EQ(rota::RouletteScene::memory_needed(l), 0u);
        EXPECT_EQ(compute_layout(w, h, l.wheel_radius).fit, LayoutFit::Blank);
    }
    // A limit that leaves room for the full layout keeps it.
    RouletteLayout capped = compute_layout(1920, 1080, 200);
    EXPECT_EQ(capped.wheel_radius, 200);
    EXPECT_EQ(capped.fit, LayoutFit::Shrunk);
}

// Below about 768 px of height the wheel is smaller
// than docs/roulette.md's 0.35 × min(width, height), so that the title,
// subtitle, pointer, wheel, fate box and banner stack without overlapping
// (docs/roulette-layout.md). The expected radius is worked out here from that
// rule: the largest radius whose stack, with the smallest gaps (2 px), fits.
TEST(RouletteLayout, SmallScreensGetTheLargestWheelThatLeavesRoomForTheRest)
{
    auto stack_height = [](int32_t radius, int32_t height) {
        int32_t title = height >= 700 ? 32 : 16;
        int32_t pointer = radius >= 48 ? std::max(12, radius / 14) : std::max(3, radius / 4);
        // gap, title, gap/2, subtitle, gap, pointer, wheel (2r + 2), gap, box, gap/2, banner
        return 2 + title + 1 + 16 + 2 + pointer + 2 * radius + 2 + 2 + 60 + 1 + 80;
    };
    for (int32_t h = 300; h < 1700; h += 7) {
        for (int32_t w : {h * 4 / 3, h * 16 / 10, h * 16 / 9}) {
            RouletteLayout l = compute_layout(w, h);
            int32_t spec = std::min(w, h) * 35 / 100;
            int32_t expected = spec;
            while (stack_height(expected, h) > h)
                --expected;
            SCOPED_TRACE(std::to_string(w) + "x" + std::to_string(h));
            // With the spec radius the gaps may be wider than 2 px; with a
            // smaller one they are 2 px and the wheel as large as they allow.
            EXPECT_EQ(l.wheel_radius, expected);
            EXPECT_EQ(l.fit, expected == spec ? LayoutFit::Spec : LayoutFit::Shrunk);
            if (h >= 768) {
                EXPECT_EQ(l.fit, LayoutFit::Spec);
            }
        }
    }
    // At 640x480 the wheel is 143 px, not 168: 480 - 194 px of the other
    // layers and gaps leaves 286 px for its diameter.
    EXPECT_EQ(compute_layout(640, 480).wheel_radius, 143);
}
