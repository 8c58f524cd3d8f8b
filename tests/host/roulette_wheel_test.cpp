// The wheel renderer on its own, over every size of wheel a layout can ask
// for: its geometry stays well formed, its memory is what it says, and a
// full redraw paints every pixel of its square (the per-row runs miss none).

#include "gfx/roulette/wheel.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

using namespace rota;

namespace {

constexpr uint32_t sentinel = 0x00ff00ff; // a colour the wheel never uses

void check_wheel(int32_t radius)
{
    SCOPED_TRACE("radius " + std::to_string(radius));
    int32_t side = 2 * radius + 3;
    WheelGeometry g = WheelGeometry::for_radius(radius + 1, radius + 1, radius);
    EXPECT_LT(g.hub_hole, g.hub_radius);
    EXPECT_LT(g.hub_radius, g.rim_inner);
    EXPECT_LT(g.rim_inner, g.radius);
    EXPECT_EQ(g.bounds(), (Rect {0, 0, side, side}));

    size_t needed = WheelRenderer::memory_needed(g);
    constexpr size_t guard_bytes = 256;
    std::vector<uint64_t> memory((needed + guard_bytes) / 8 + 1, 0xa5a5a5a5a5a5a5a5ull);
    WheelRenderer wheel;
    wheel.init(g, memory.data());
    wheel.build_map_rows(0, wheel.map_rows());
    wheel.build_texture_rows(0, wheel.texture_rows());
    auto* bytes = reinterpret_cast<const uint8_t*>(memory.data());
    for (size_t i = needed; i < needed + guard_bytes; ++i)
        ASSERT_EQ(bytes[i], 0xa5) << "written " << i - needed << " bytes past its memory";

    std::vector<uint32_t> pixels(size_t(side) * side, sentinel);
    Surface target {pixels.data(), side, side, side};
    wheel.draw_static(target, target.bounds());
    wheel.draw_rotating(target, target.bounds(), 0.37, 0, side);
    for (int32_t y = 0; y < side; ++y) {
        for (int32_t x = 0; x < side; ++x)
            ASSERT_NE(target.at(x, y), sentinel) << "pixel " << x << "," << y << " never drawn";
    }
    // The corners are black; a rim three pixels wide or more has a pixel of
    // pure light grey in its middle.
    EXPECT_EQ(target.at(0, 0), wheel_colors::background);
    EXPECT_EQ(target.at(side - 1, side - 1), wheel_colors::background);
    if (g.radius - g.rim_inner >= 3) {
        EXPECT_EQ(target.at(radius + 1, 1 + (radius - g.rim_inner + 1) / 2), wheel_colors::light);
    }
}

} // namespace

TEST(RouletteWheel, EveryRadiusIsWellFormedAndFullyDrawn)
{
    for (int32_t radius = WheelGeometry::min_radius; radius <= 70; ++radius)
        check_wheel(radius);
    for (int32_t radius = 71; radius <= 420; radius += 29)
        check_wheel(radius);
    check_wheel(1100); // numbers past the largest text scale
}
