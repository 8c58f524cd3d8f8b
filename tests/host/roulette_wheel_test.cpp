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
    wheel.build_still_groups(0, wheel.still_groups());
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

namespace {

// A wheel with its tables built, on memory of its own.
struct BuiltWheel {
    explicit BuiltWheel(int32_t radius)
        : geometry(WheelGeometry::for_radius(radius + 1, radius + 1, radius))
        , memory(WheelRenderer::memory_needed(geometry) / 8 + 1)
        , side(2 * radius + 3)
    {
        wheel.init(geometry, memory.data());
        wheel.build_map_rows(0, wheel.map_rows());
        wheel.build_texture_rows(0, wheel.texture_rows());
        wheel.build_still_groups(0, wheel.still_groups());
    }
    // The whole wheel at `rotation` on a fresh surface: what a full redraw shows.
    std::vector<uint32_t> fresh(double rotation) const
    {
        std::vector<uint32_t> pixels(size_t(side) * side, sentinel);
        Surface target {pixels.data(), side, side, side};
        wheel.draw_static(target, target.bounds());
        wheel.draw_rotating(target, target.bounds(), rotation, 0, side);
        return pixels;
    }

    WheelGeometry geometry;
    std::vector<uint64_t> memory;
    int32_t side;
    WheelRenderer wheel;
};

// Draws `rotations` one after another over the same surface, each frame
// told the one before, and compares every frame with a full redraw.
// Returns the ring pixels written per frame over those a full redraw writes.
double follow(BuiltWheel& w, const std::vector<double>& rotations, int32_t bands = 1)
{
    std::vector<uint32_t> pixels(size_t(w.side) * w.side, sentinel);
    Surface target {pixels.data(), w.side, w.side, w.side};
    w.wheel.draw_static(target, target.bounds());
    uint64_t whole = w.wheel.draw_rotating(target, target.bounds(), rotations[0], 0, w.side);
    uint64_t written = 0;
    for (size_t i = 1; i < rotations.size(); ++i) {
        // In bands, as the scene splits a frame over CPUs.
        int32_t band = (w.side + bands - 1) / bands;
        for (int32_t row = 0; row < w.side; row += band)
            written += w.wheel.draw_rotating(
                target, target.bounds(), rotations[i], row, row + band, rotations[i - 1]);
        std::vector<uint32_t> expected = w.fresh(rotations[i]);
        for (size_t p = 0; p < pixels.size(); ++p) {
            if (pixels[p] != expected[p]) {
                ADD_FAILURE() << "frame " << i << " (rotation " << rotations[i] << " after "
                              << rotations[i - 1] << "): pixel " << p % w.side << "," << p / w.side
                              << " is " << std::hex << pixels[p] << ", a full "
                              << "redraw gives " << expected[p];
                return 1.0;
            }
        }
    }
    return double(written) / double(whole * (rotations.size() - 1));
}

} // namespace

TEST(RouletteWheel, DrawingOverTheLastFrameGivesExactlyAFullRedraw)
{
    // Small steps (fast frames), large ones (slow frames), backwards, across
    // the turn's wrap, whole turns, and a step of nothing.
    std::vector<double> rotations {0.0, 0.0004, 0.0009, 0.003, 0.05, 0.049, 0.3, 0.9995, 1.0002,
        0.0007, 0.0007, 2.5, 0.71, 0.7104, 0.2};
    uint64_t state = 12345;
    for (int i = 0; i < 20; ++i) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        rotations.push_back(rotations.back() + double(state >> 40) / double(1ull << 24) * 0.01);
    }
    for (int32_t radius : {3, 9, 24, 61, 140, 280}) {
        SCOPED_TRACE("radius " + std::to_string(radius));
        BuiltWheel w(radius);
        follow(w, rotations);
        follow(w, rotations, 7);
    }
}

TEST(RouletteWheel, AFrameAfterASmallTurnDrawsLessThanHalfTheRing)
{
    // 0.25 turns a second at 600 and at 60 frames a second (spin=steady's step).
    BuiltWheel w(280);
    std::vector<double> fast, slow;
    for (int i = 0; i < 40; ++i) {
        fast.push_back(0.1 + i * 0.25 / 600);
        slow.push_back(0.1 + i * 0.25 / 60);
    }
    double fast_share = follow(w, fast), slow_share = follow(w, slow);
    EXPECT_LT(fast_share, 0.5);
    EXPECT_LT(slow_share, 0.9);
    EXPECT_LT(fast_share, slow_share);
    std::printf("ring pixels drawn per frame, radius 280: %.2f at 600 fps, %.2f at 60 fps\n",
        fast_share, slow_share);
}

TEST(RouletteWheel, ALitWedgeIsAlwaysDrawnInFull)
{
    BuiltWheel w(140);
    std::vector<uint32_t> pixels = w.fresh(0.2);
    Surface target {pixels.data(), w.side, w.side, w.side};
    uint32_t whole = w.wheel.draw_rotating(target, target.bounds(), 0.2, 0, w.side);
    w.wheel.set_highlight(3);
    // The still runs describe the unlit texture: told the ring shows 0.2, the
    // renderer must not trust them now.
    EXPECT_EQ(w.wheel.draw_rotating(target, target.bounds(), 0.2, 0, w.side, 0.2), whole);
    w.wheel.set_highlight(-1);
    EXPECT_EQ(w.wheel.draw_rotating(target, target.bounds(), 0.2, 0, w.side, 0.2), 0u);
    EXPECT_LT(w.wheel.draw_rotating(target, target.bounds(), 0.2001, 0, w.side, 0.2), whole / 2);
}
