#include "gfx/canvas/canvas.h"

#include <gtest/gtest.h>

#include "support/sub_pixel_points.h"
#include "support/test_canvas.h"

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "gfx/canvas/aa_math.h"
#include "gfx/canvas/aa_pixel.h"
#include "gfx/text/text.h"

using namespace rota;
using rota_test::pt;
using rota_test::px;
using rota_test::srect;

namespace {

constexpr Color black = 0x000000;
constexpr Color white = 0xffffff;

struct Canvas : TestCanvas {
    Canvas(int32_t w, int32_t h, Color fill = black)
        : TestCanvas(w, h, fill)
    {
    }

    // Coverage drawn in white on black, summed in pixels² (blue channel).
    double area() const
    {
        double total = 0;
        for (uint32_t p : pixels)
            total += (p & 0xff) / 255.0;
        return total;
    }
};

// A background that is not flat, so blending mistakes show.
void fill_pattern(Canvas& c)
{
    for (int32_t y = 0; y < c.surface.height; ++y)
        for (int32_t x = 0; x < c.surface.width; ++x)
            c.surface.row(y)[x] = rgb(uint8_t(x * 7), uint8_t(y * 5), uint8_t((x ^ y) * 3));
}

using Draw = std::function<Rect(Surface&, Rect clip)>;

// Every primitive, drawn partly off the 160×120 test surface.
std::vector<std::pair<std::string, Draw>> primitives()
{
    return {
        {"disc",
            [](Surface& s, Rect c) { return fill_disc(s, c, pt(70.3, 55.6), px(41.7), 0x144e44); }},
        {"disc-edge",
            [](Surface& s, Rect c) {
                return fill_disc(s, c, pt(150.5, -3.25), px(30.1), 0xc7c7c7, 200);
            }},
        {"ring",
            [](Surface& s, Rect c) {
                return fill_ring(s, c, pt(80.5, 60.5), px(30.4), px(52.2), 0xc7c7c7);
            }},
        {"thin-ring",
            [](Surface& s, Rect c) {
                return fill_ring(s, c, pt(61, 47), px(20.7), px(21.3), 0xffffff);
            }},
        {"triangle",
            [](Surface& s, Rect c) {
                return fill_triangle(
                    s, c, pt(60.2, 10.7), pt(100.9, 10.1), pt(80.4, 44.8), 0xffe087);
            }},
        {"sliver",
            [](Surface& s, Rect c) {
                return fill_triangle(
                    s, c, pt(3.3, 100.2), pt(158.1, 90.7), pt(5.1, 104.9), 0xe35d5b);
            }},
        {"line",
            [](Surface& s, Rect c) {
                return draw_line(s, c, pt(-10.4, 7.3), pt(171.2, 113.8), px(2.5), 0x2dd4b3);
            }},
        {"hairline",
            [](Surface& s, Rect c) {
                return draw_line(s, c, pt(20.1, 110.6), pt(140.8, 108.2), px(0.6), 0xffffff, 255,
                    LineCap::square);
            }},
        {"rect-aa",
            [](Surface& s, Rect c) {
                return fill_rect_aa(s, c, srect(10.25, 20.6, 50.3, 30.45), 0x3dd6c6, 128);
            }},
        {"rect",
            [](Surface& s, Rect c) {
                return fill_rect(s, c, {-5, 90, 60, 50}, 0x333333);
            }},
        {"round-rect",
            [](Surface& s, Rect c) {
                return fill_round_rect(s, c, srect(30.5, 30.25, 100.4, 60.1), px(12.3), 0x1e1e1e);
            }},
        {"box-outline",
            [](Surface& s, Rect c) {
                return stroke_round_rect(
                    s, c, srect(20.2, 15.7, 120.3, 80.5), px(9.5), px(3.25), 0xe35d5b);
            }},
        {"text",
            [](Surface& s, Rect c) { return draw_text(s, c, 5, 40, "W I N !", 0x2dd4b3, 3, 2); }},
    };
}

} // namespace

TEST(CanvasBlend, ExactAtBothEnds)
{
    EXPECT_EQ(opacity_to_coverage(0), 0u);
    EXPECT_EQ(opacity_to_coverage(255), 256u);
    EXPECT_EQ(opacity_to_coverage(128), 129u);
    for (Color d : {0x000000u, 0x123456u, 0xffffffu, 0xff00ffu})
        for (Color s : {0x000000u, 0xabcdefu, 0xffffffu, 0x00ff00u}) {
            EXPECT_EQ(blend_coverage(d, s, 0), d);
            EXPECT_EQ(blend_coverage(d, s, 256), s);
            Color half = blend_coverage(d, s, 128);
            EXPECT_LE(std::abs(int(red_of(half)) - (red_of(d) + red_of(s)) / 2), 1);
            EXPECT_LE(std::abs(int(green_of(half)) - (green_of(d) + green_of(s)) / 2), 1);
            EXPECT_LE(std::abs(int(blue_of(half)) - (blue_of(d) + blue_of(s)) / 2), 1);
        }
}

TEST(CanvasBlend, OpacityZeroLeavesAndFullWrites)
{
    Canvas c(20, 20, 0x123456);
    fill_rect(c.surface, c.all(), {2, 2, 5, 5}, 0xabcdef, 0);
    fill_disc(c.surface, c.all(), pt(10, 10), px(6), 0xabcdef, 0);
    EXPECT_EQ(c.pixels, Canvas(20, 20, 0x123456).pixels);
    fill_rect(c.surface, c.all(), {2, 2, 5, 5}, 0xabcdef);
    EXPECT_EQ(c.at(2, 2), 0xabcdefu);
    EXPECT_EQ(c.at(6, 6), 0xabcdefu);
    EXPECT_EQ(c.at(7, 7), 0x123456u);
}

TEST(CanvasMath, IntegerSquareRootAndRounding)
{
    static_assert(isqrt(0) == 0 && isqrt(1) == 1 && isqrt(15) == 3 && isqrt(16) == 4);
    static_assert(isqrt((int64_t(1) << 62) - 1) == (uint64_t(1) << 31) - 1);
    for (int64_t v = 0; v < 5000; ++v)
        ASSERT_EQ(isqrt(v), uint64_t(std::floor(std::sqrt(double(v))))) << v;
    static_assert(floor_div(-7, 2) == -4 && ceil_div(-7, 2) == -3 && floor_div(7, -2) == -4
        && ceil_div(7, 2) == 4);
    static_assert((12.5_px).raw == 3200 && (3_px).raw == 768 && (-0.25_px).raw == -64);
    static_assert(SubPixel::from_ratio(1, 3).raw == 85 && SubPixel::from_ratio(-1, 2).raw == -128);
}

TEST(CanvasDisc, AreaIsPiRSquared)
{
    for (double r : {4.5, 10.3, 37.25, 90.9}) {
        for (double offset : {0.0, 0.5, 0.37}) {
            Canvas c(200, 200);
            fill_disc(c.surface, c.all(), pt(100 + offset, 100 - offset), px(r), white);
            double expected = M_PI * r * r;
            EXPECT_NEAR(c.area(), expected, expected * 0.01) << "r=" << r << " offset=" << offset;
        }
    }
}

TEST(CanvasDisc, SymmetricSolidInsideRampAtTheEdge)
{
    for (double cx : {50.0, 50.5}) {
        Canvas c(101, 101);
        double r = 30.3;
        fill_disc(c.surface, c.all(), pt(cx, cx), px(r), white);
        for (int32_t y = 0; y < 101; ++y) {
            for (int32_t x = 0; x < 101; ++x) {
                // Mirror images across both axes through the centre, and the diagonal.
                int32_t mx = int32_t(2 * cx) - 1 - x, my = int32_t(2 * cx) - 1 - y;
                if (mx >= 0 && mx < 101) {
                    ASSERT_EQ(c.at(x, y), c.at(mx, y)) << x << "," << y;
                }
                if (my >= 0 && my < 101) {
                    ASSERT_EQ(c.at(x, y), c.at(x, my)) << x << "," << y;
                }
                ASSERT_EQ(c.at(x, y), c.at(y, x));
                double d = std::hypot(x + 0.5 - cx, y + 0.5 - cx);
                if (d < r - 0.55)
                    ASSERT_EQ(c.at(x, y), white) << x << "," << y;
                else if (d > r + 0.55)
                    ASSERT_EQ(c.at(x, y), black) << x << "," << y;
                else if (std::abs(d - r) < 0.45) {
                    ASSERT_NE(c.at(x, y), white) << x << "," << y;
                    ASSERT_NE(c.at(x, y), black) << x << "," << y;
                }
            }
        }
    }
}

TEST(CanvasRing, AreaIsTheDifferenceOfDiscs)
{
    for (auto [ri, ro] : {std::pair {20.0, 40.0}, {60.4, 62.9}, {10.25, 11.25}, {80.0, 95.5}}) {
        Canvas c(220, 220);
        fill_ring(c.surface, c.all(), pt(110.3, 109.8), px(ri), px(ro), white);
        double expected = M_PI * (ro * ro - ri * ri);
        EXPECT_NEAR(c.area(), expected, expected * 0.01) << ri << ".." << ro;
        EXPECT_EQ(c.at(110, 110), black); // the hole
    }
}

TEST(CanvasTriangle, AreaAndWindingOrder)
{
    Canvas cw(200, 200), ccw(200, 200);
    SubPoint a = pt(20.3, 30.1), b = pt(180.6, 50.7), c = pt(90.2, 170.9);
    fill_triangle(cw.surface, cw.all(), a, b, c, white);
    fill_triangle(ccw.surface, ccw.all(), a, c, b, white);
    EXPECT_EQ(cw.pixels, ccw.pixels);
    double expected = std::abs((180.6 - 20.3) * (170.9 - 30.1) - (50.7 - 30.1) * (90.2 - 20.3)) / 2;
    EXPECT_NEAR(cw.area(), expected, expected * 0.01);
    EXPECT_EQ(cw.at(90, 80), white);
    // The pointer: a small isoceles triangle pointing down.
    Canvas p(40, 40);
    fill_triangle(p.surface, p.all(), pt(5, 5), pt(35, 5), pt(20, 31), white);
    EXPECT_NEAR(p.area(), 30.0 * 26 / 2, 30.0 * 26 / 2 * 0.02);
    for (int32_t y = 0; y < 40; ++y)
        for (int32_t x = 0; x < 20; ++x)
            ASSERT_EQ(p.at(x, y), p.at(39 - x, y)) << x << "," << y;
}

TEST(CanvasTriangle, NoAreaNoPixels)
{
    Canvas c(50, 50);
    EXPECT_TRUE(fill_triangle(c.surface, c.all(), pt(1, 1), pt(20, 20), pt(40, 40), white).empty());
    EXPECT_EQ(c.pixels, Canvas(50, 50).pixels);
}

TEST(CanvasLine, AreaIsLengthTimesWidth)
{
    struct Case {
        double x0, y0, x1, y1, w;
    };
    for (Case k : {Case {10, 10.5, 90, 10.5, 2}, Case {10.2, 20.7, 180.4, 150.1, 3.5},
             Case {100.5, 5, 100.5, 190, 1}, Case {30, 170, 170, 40, 1.25}}) {
        Canvas c(200, 200);
        draw_line(c.surface, c.all(), pt(k.x0, k.y0), pt(k.x1, k.y1), px(k.w), white);
        double expected = std::hypot(k.x1 - k.x0, k.y1 - k.y0) * k.w;
        EXPECT_NEAR(c.area(), expected, expected * 0.01) << k.x0 << "," << k.y0;
    }
    // Either way round, the same pixels.
    Canvas forward(200, 200), backward(200, 200);
    draw_line(forward.surface, forward.all(), pt(10.2, 20.7), pt(180.4, 150.1), px(3.5), white);
    draw_line(backward.surface, backward.all(), pt(180.4, 150.1), pt(10.2, 20.7), px(3.5), white);
    EXPECT_EQ(forward.pixels, backward.pixels);
    // A horizontal line two pixels wide centred on a pixel centre: half, full, half.
    Canvas h(100, 30);
    draw_line(h.surface, h.all(), pt(10, 10.5), pt(90, 10.5), px(2), white);
    EXPECT_EQ(h.at(50, 10), white);
    EXPECT_EQ(h.at(50, 9), blend_coverage(black, white, 128));
    EXPECT_EQ(h.at(50, 11), blend_coverage(black, white, 128));
    EXPECT_EQ(h.at(50, 8), black);
    EXPECT_EQ(h.at(9, 10), black); // butt cap at x = 10
    EXPECT_EQ(h.at(10, 10), white);
    Canvas sq(100, 30);
    draw_line(sq.surface, sq.all(), pt(10, 10.5), pt(90, 10.5), px(2), white, 255, LineCap::square);
    EXPECT_EQ(sq.at(9, 10), white); // square cap: one more pixel (half the width)
    EXPECT_EQ(sq.at(8, 10), black);
}

TEST(CanvasRect, SubPixelEdgesAreExact)
{
    Canvas c(40, 40);
    fill_rect_aa(c.surface, c.all(), srect(10.25, 5, 10.5, 20), white);
    EXPECT_EQ(c.at(9, 10), black);
    EXPECT_EQ(c.at(10, 10), blend_coverage(black, white, 192));
    EXPECT_EQ(c.at(11, 10), white);
    EXPECT_EQ(c.at(20, 10), blend_coverage(black, white, 192));
    EXPECT_EQ(c.at(21, 10), black);
    EXPECT_NEAR(c.area(), 10.5 * 20, 0.5);
    Canvas corner(40, 40);
    fill_rect_aa(corner.surface, corner.all(), srect(10.5, 10.5, 10, 10), white);
    EXPECT_EQ(corner.at(10, 10), blend_coverage(black, white, 64)); // a quarter
}

TEST(CanvasRoundRect, AreasOfFillAndStroke)
{
    Canvas c(240, 160);
    double w = 200.4, h = 100.3, r = 20.5;
    fill_round_rect(c.surface, c.all(), srect(20.1, 30.2, w, h), px(r), white);
    double expected = w * h - (4 - M_PI) * r * r;
    EXPECT_NEAR(c.area(), expected, expected * 0.01);

    Canvas s(240, 160);
    double t = 4;
    stroke_round_rect(s.surface, s.all(), srect(20.1, 30.2, w, h), px(r), px(t), white);
    double inner = (w - 2 * t) * (h - 2 * t) - (4 - M_PI) * (r - t) * (r - t);
    EXPECT_NEAR(s.area(), expected - inner, (expected - inner) * 0.01);
    EXPECT_EQ(s.at(120, 80), black);
    EXPECT_EQ(s.at(120, 32), white);

    Canvas square(60, 60);
    fill_round_rect(square.surface, square.all(), srect(10, 10, 40, 40), px(0), white);
    EXPECT_NEAR(square.area(), 1600, 0.01);
    EXPECT_EQ(square.at(10, 10), white);
}

TEST(CanvasClip, NothingChangesOutsideTheClipOrTheReturnedRect)
{
    for (auto& [name, draw] : primitives()) {
        for (Rect clip : {Rect {30, 20, 90, 70}, Rect {0, 0, 160, 120}, Rect {75, 50, 3, 90},
                 Rect {-20, -20, 50, 50}}) {
            Canvas c(160, 120);
            fill_pattern(c);
            Canvas before = c;
            Rect touched = draw(c.surface, clip);
            Rect visible = clip.intersect(c.all());
            EXPECT_TRUE(visible.covers(touched)) << name;
            for (int32_t y = 0; y < 120; ++y)
                for (int32_t x = 0; x < 160; ++x)
                    if (!touched.contains(x, y) || !visible.contains(x, y)) {
                        ASSERT_EQ(c.at(x, y), before.at(x, y)) << name << " at " << x << "," << y;
                    }
        }
    }
}

TEST(CanvasClip, BoundsHoldEveryChangedPixel)
{
    struct Case {
        const char* name;
        Rect bounds;
        Draw draw;
    };
    std::vector<Case> cases = {
        {"disc", disc_bounds(pt(70.3, 55.6), px(41.7)),
            [](Surface& s, Rect c) { return fill_disc(s, c, pt(70.3, 55.6), px(41.7), white); }},
        {"ring", ring_bounds(pt(80.5, 60.5), px(52.2)),
            [](Surface& s, Rect c) {
                return fill_ring(s, c, pt(80.5, 60.5), px(30.4), px(52.2), white);
            }},
        {"triangle", triangle_bounds(pt(60.2, 10.7), pt(100.9, 10.1), pt(80.4, 44.8)),
            [](Surface& s, Rect c) {
                return fill_triangle(s, c, pt(60.2, 10.7), pt(100.9, 10.1), pt(80.4, 44.8), white);
            }},
        {"sliver", triangle_bounds(pt(3.3, 100.2), pt(158.1, 90.7), pt(5.1, 104.9)),
            [](Surface& s, Rect c) {
                return fill_triangle(s, c, pt(3.3, 100.2), pt(158.1, 90.7), pt(5.1, 104.9), white);
            }},
        {"line", line_bounds(pt(20.4, 7.3), pt(131.2, 93.8), px(5.5), LineCap::square),
            [](Surface& s, Rect c) {
                return draw_line(
                    s, c, pt(20.4, 7.3), pt(131.2, 93.8), px(5.5), white, 255, LineCap::square);
            }},
        {"rect-aa", rect_aa_bounds(srect(10.25, 20.6, 50.3, 30.45)),
            [](Surface& s, Rect c) {
                return fill_rect_aa(s, c, srect(10.25, 20.6, 50.3, 30.45), white);
            }},
        {"round-rect", round_rect_bounds(srect(30.5, 30.25, 100.4, 60.1)),
            [](Surface& s, Rect c) {
                return fill_round_rect(s, c, srect(30.5, 30.25, 100.4, 60.1), px(12.3), white);
            }},
    };
    for (auto& k : cases) {
        Canvas c(200, 160);
        Rect touched = k.draw(c.surface, c.all());
        EXPECT_EQ(touched, k.bounds.intersect(c.all())) << k.name;
        for (int32_t y = 0; y < 160; ++y)
            for (int32_t x = 0; x < 200; ++x)
                if (c.at(x, y) != black) {
                    ASSERT_TRUE(k.bounds.contains(x, y)) << k.name << " at " << x << "," << y;
                }
    }
}

TEST(CanvasClip, RenderingTheDamageEqualsAFullRender)
{
    for (auto& [name, draw] : primitives()) {
        Canvas full(160, 120), tiled(160, 120), damaged(160, 120);
        fill_pattern(full);
        fill_pattern(tiled);
        fill_pattern(damaged);
        draw(full.surface, full.all());
        // Horizontal bands, as parallel rendering splits the damage.
        for (int32_t y = 0; y < 120; y += 7)
            draw(tiled.surface, {0, y, 160, 7});
        EXPECT_EQ(full.pixels, tiled.pixels) << name << " (bands)";
        // Small irregular tiles.
        for (int32_t y = -3; y < 120; y += 11)
            for (int32_t x = -5; x < 160; x += 13)
                draw(damaged.surface, {x, y, 13, 11});
        EXPECT_EQ(full.pixels, damaged.pixels) << name << " (tiles)";
    }
}

TEST(CanvasDegenerate, EmptyShapesDrawNothing)
{
    Canvas c(50, 50);
    EXPECT_TRUE(fill_disc(c.surface, c.all(), pt(25, 25), px(0), white).empty());
    EXPECT_TRUE(fill_ring(c.surface, c.all(), pt(25, 25), px(10), px(10), white).empty());
    EXPECT_TRUE(draw_line(c.surface, c.all(), pt(5, 5), pt(5, 5), px(3), white).empty());
    EXPECT_TRUE(draw_line(c.surface, c.all(), pt(5, 5), pt(30, 5), px(0), white).empty());
    EXPECT_TRUE(fill_rect_aa(c.surface, c.all(), srect(5, 5, 0, 10), white).empty());
    EXPECT_TRUE(fill_round_rect(c.surface, c.all(), srect(5, 5, 10, -1), px(3), white).empty());
    EXPECT_TRUE(fill_disc(c.surface, {0, 0, 0, 0}, pt(25, 25), px(10), white).empty());
    EXPECT_EQ(c.pixels, Canvas(50, 50).pixels);
}

TEST(CanvasClip, RespectsThePitch)
{
    // A surface narrower than its rows: the columns past `width` are not its.
    const int32_t width = 50, pitch = 57, height = 40;
    std::vector<uint32_t> memory(size_t(pitch) * height, 0x0badf00d);
    Surface s {memory.data(), width, height, pitch};
    for (auto& [name, draw] : primitives())
        draw(s, {-100, -100, 400, 400});
    for (int32_t y = 0; y < height; ++y)
        for (int32_t x = width; x < pitch; ++x)
            ASSERT_EQ(memory[size_t(y) * pitch + x], 0x0badf00du) << x << "," << y;
}
