#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

#include "gfx/roulette/roulette_scene.h"

// The Wheel of Fate on a display that turns the ring itself (the virgl
// display's rotating layer): the scene hands the ring over as a picture and
// then only sets the angle, and what the display composes equals what the 2D
// path draws.

using namespace rota;

namespace {

class FakeLayer final : public RotatingLayer {
public:
    std::vector<uint32_t> pixels;
    Rect area {};
    int32_t cx {0}, cy {0};
    int commits {0};
    std::vector<double> turns;

    Surface image_buffer(Rect where, int32_t centre_x, int32_t centre_y) override
    {
        area = where;
        cx = centre_x;
        cy = centre_y;
        pixels.assign(size_t(where.width) * size_t(where.height), 0xdeadbeef);
        return {pixels.data(), where.width, where.height, where.width};
    }
    void commit_image() override { ++commits; }
    void set_turns(double t) override { turns.push_back(t); }
};

class LayerHost final : public RouletteHost {
public:
    RotatingLayer* layer {nullptr};
    void parallel(uint64_t count, uint64_t, Body body, void* context) override
    {
        body(context, 0, count);
    }
    void landed(const SpinOutcome&) override { }
    bool continue_after(const SpinOutcome&) override { return true; }
    int hud_lines(char (*)[40], int) override { return 0; }
    int recent_results(RecentResult*, int) override { return 0; }
    uint64_t frame_time_ns(int) override { return 0; }
    RotatingLayer* rotating_layer() override { return layer; }
};

struct Table {
    static constexpr int32_t width = 640, height = 400;
    LayerHost host;
    std::vector<uint8_t> memory;
    std::vector<uint32_t> pixels;
    Surface surface;
    RouletteScene* scene;

    explicit Table(RotatingLayer* layer)
        : memory(RouletteScene::memory_needed(width, height) + 16)
        , pixels(size_t(width) * height, 0x123456)
        , surface {pixels.data(), width, height, width}
    {
        host.layer = layer;
        void* aligned = reinterpret_cast<void*>(
            (reinterpret_cast<uintptr_t>(memory.data()) + 15) & ~uintptr_t(15));
        scene = new RouletteScene(host, width, height, 11, aligned);
    }
    ~Table() { delete scene; }
    Damage frame(uint64_t n, double seconds, bool full)
    {
        Damage damage(surface.bounds());
        scene->draw(surface, n, uint64_t(seconds * 1e9), full, damage);
        return damage;
    }
};

int channel(uint32_t c, int shift)
{
    return int(c >> shift & 0xff);
}

} // namespace

TEST(RouletteLayer, TheRingIsHandedOverOnceAndThenOnlyTurned)
{
    FakeLayer layer;
    Table table(&layer);
    table.frame(0, 0.0, true);
    EXPECT_EQ(layer.commits, 1);
    EXPECT_EQ(layer.area, table.scene->wheel().bounds());
    EXPECT_EQ(layer.cx, table.scene->layout().wheel_cx);
    EXPECT_EQ(layer.cy, table.scene->layout().wheel_cy);
    for (int n = 1; n * (1.0 / 30) < 7.0; ++n) {
        Damage damage = table.frame(n, n / 30.0, false);
        // While spinning nothing is drawn into the back buffer: the display turns the ring.
        EXPECT_TRUE(damage.empty()) << "frame " << n;
        ASSERT_FALSE(layer.turns.empty());
        EXPECT_EQ(layer.turns.back(), table.scene->rotation()) << "frame " << n;
    }
    EXPECT_EQ(layer.commits, 1);
    // The landed wedge lights up (a new picture), then goes back (another).
    for (int n = 210; n * (1.0 / 30) < 9.0; ++n)
        table.frame(n, n / 30.0, false);
    EXPECT_EQ(layer.commits, 3);
}

TEST(RouletteLayer, BackBufferPlusRingEqualsTheTwoDimensionalWheel)
{
    // At t = 0 the wheel is at rotation 0, where the picture needs no
    // resampling: composing it over the back buffer ("over" with
    // premultiplied alpha, as the virgl display's blend state) must give the
    // 2D path's pixels, up to rounding.
    FakeLayer layer;
    Table with_layer(&layer), drawn(nullptr);
    with_layer.frame(0, 0.0, true);
    drawn.frame(0, 0.0, true);
    ASSERT_EQ(layer.commits, 1);
    int worst = 0;
    size_t ring_pixels = 0;
    for (int32_t y = 0; y < layer.area.height; ++y) {
        for (int32_t x = 0; x < layer.area.width; ++x) {
            int32_t sx = layer.area.x + x, sy = layer.area.y + y;
            uint32_t src = layer.pixels[size_t(y) * size_t(layer.area.width) + size_t(x)];
            uint32_t alpha = src >> 24;
            uint32_t dst = with_layer.surface.at(sx, sy);
            uint32_t want = drawn.surface.at(sx, sy);
            ring_pixels += alpha != 0;
            for (int shift : {0, 8, 16}) {
                int composed
                    = channel(src, shift) + (channel(dst, shift) * int(255 - alpha) + 127) / 255;
                worst = std::max(worst, std::abs(composed - channel(want, shift)));
            }
        }
    }
    EXPECT_LE(worst, 1);
    // The ring is most of the wheel's square.
    EXPECT_GT(ring_pixels, size_t(layer.area.width) * size_t(layer.area.height) / 2);
}

TEST(RouletteLayer, ANewDisplayWithoutALayerGetsTheRingDrawnAgain)
{
    FakeLayer layer;
    Table table(&layer);
    table.frame(0, 0.0, true);
    table.frame(1, 1 / 30.0, false);
    // Fail-over: the next full frame is on a display that turns nothing.
    table.host.layer = nullptr;
    Damage damage = table.frame(2, 2 / 30.0, true);
    EXPECT_FALSE(damage.empty());
    Damage next = table.frame(3, 3 / 30.0, false);
    EXPECT_EQ(next.bounding_box(), table.scene->wheel().bounds());
    size_t turns = layer.turns.size();
    table.frame(4, 4 / 30.0, false);
    EXPECT_EQ(layer.turns.size(), turns);
}
