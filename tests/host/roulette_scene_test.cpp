#include "gfx/roulette/roulette_scene.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "gfx/text/text.h"
#include "support/golden.h"

using namespace rota;

namespace {

// A host that runs chunks in a given order on one thread, or spreads them over
// real threads, and records what the scene reported.
class TestHost final : public RouletteHost {
public:
    bool threaded = false;
    bool reverse = false;
    bool gate_on = true;
    std::vector<SpinOutcome> landings;

    void parallel(uint64_t count, uint64_t grain, Body body, void* context) override
    {
        if (threaded) {
            std::vector<std::thread> threads;
            for (uint64_t begin = 0; begin < count; begin += grain)
                threads.emplace_back([=] { body(context, begin, std::min(count, begin + grain)); });
            for (auto& t : threads)
                t.join();
            return;
        }
        if (reverse) {
            for (uint64_t begin = (count - 1) / grain * grain;; begin -= grain) {
                body(context, begin, std::min(count, begin + grain));
                if (begin == 0)
                    break;
            }
            return;
        }
        body(context, 0, count);
    }
    void landed(const SpinOutcome& outcome) override { landings.push_back(outcome); }
    bool continue_after(const SpinOutcome& outcome) override { return !gate_on || outcome.win; }
    int hud_lines(char (*lines)[40], int max_lines) override
    {
        const char* text[] = {"backend  test", "mode     640x400"};
        int n = std::min(max_lines, 2);
        for (int i = 0; i < n; ++i)
            snprintf(lines[i], 40, "%s", text[i]);
        return n;
    }
    int recent_results(RecentResult* out, int max) override
    {
        int n = 0;
        for (auto it = landings.rbegin(); it != landings.rend() && n < max; ++it)
            out[n++] = {it->spin, it->fate, it->wedge, it->win};
        return n;
    }
    uint64_t frame_time_ns(int frames_ago) override
    {
        return frames_ago < 200 ? 16'000'000 + frames_ago * 10'000 : 0;
    }
};

struct Rig {
    int32_t width, height;
    TestHost host;
    std::vector<uint8_t> memory;
    std::vector<uint32_t> pixels;
    Surface surface;
    RouletteScene* scene;

    Rig(int32_t w, int32_t h, uint64_t seed, bool threaded = false, bool reverse = false,
        SpinMode spin = SpinMode::Fate)
        : width(w)
        , height(h)
        , memory(RouletteScene::memory_needed(w, h) + 16)
        , pixels(size_t(w) * h, 0x123456)
        , surface {pixels.data(), w, h, w}
    {
        host.threaded = threaded;
        host.reverse = reverse;
        void* aligned = reinterpret_cast<void*>(
            (reinterpret_cast<uintptr_t>(memory.data()) + 15) & ~uintptr_t(15));
        scene = new RouletteScene(host, w, h, seed, aligned, spin);
    }
    ~Rig() { delete scene; }

    Damage frame(uint64_t n, double seconds, bool full)
    {
        Damage damage(surface.bounds());
        scene->draw(surface, n, uint64_t(seconds * 1e9), full, damage);
        return damage;
    }
    golden::Image image() const { return {width, height, pixels}; }
};

constexpr double frame_seconds = 1.0 / 30;

} // namespace

namespace {

// The rules of docs/roulette.md, written out here rather than taken from fate.h:
// splitmix64 over the seed (the high 32 bits of each output), odd wins, and
// the target is fate mod 12 moved forward to the nearest wedge of the right
// kind (even wedges are coloured and win).
uint32_t spec_first_fate(uint64_t seed)
{
    uint64_t z = seed + 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return uint32_t((z ^ (z >> 31)) >> 32);
}

int spec_wedge(uint32_t fate)
{
    bool win = fate % 2 == 1;
    for (int step = 0;; ++step) {
        int wedge = int((fate + uint32_t(step)) % 12);
        if ((wedge % 2 == 0) == win)
            return wedge;
    }
}

// Reads the wedge number at 12 o'clock: the screen's ink (how far each pixel
// has gone from the lit wedge colour towards the light grey of the numbers)
// against each number drawn white on black, centred where the wheel centres
// its labels, over a few pixels of slack. Returns the best match.
int number_under_pointer(const Surface& screen, const RouletteLayout& l, Color lit)
{
    WheelGeometry g = WheelGeometry::for_radius(l.wheel_cx, l.wheel_cy, l.wheel_radius);
    constexpr int32_t w = 40, h = 32;
    int32_t cx = l.wheel_cx, cy = l.wheel_cy - g.label_radius;
    auto ink = [&](int32_t x, int32_t y) {
        double base = red_of(lit), full = red_of(wheel_colors::light);
        return (red_of(screen.at(x, y)) - base) / (full - base);
    };
    int best = -1;
    double best_score = -1e9;
    for (int number = 0; number < 12; ++number) {
        std::vector<uint32_t> pixels(size_t(w) * h, 0);
        Surface glyphs {pixels.data(), w, h, w};
        std::string text = std::to_string(number);
        int32_t tw = text_width(text.c_str(), g.label_scale);
        draw_text(glyphs, glyphs.bounds(), (w - tw) / 2, (h - text_height(g.label_scale)) / 2,
            text.c_str(), 0xffffff, g.label_scale);
        for (int32_t dy = -2; dy <= 2; ++dy) {
            for (int32_t dx = -2; dx <= 2; ++dx) {
                double score = 0;
                for (int32_t y = 0; y < h; ++y) {
                    for (int32_t x = 0; x < w; ++x) {
                        double want = red_of(glyphs.at(x, y)) / 255.0;
                        score -= std::abs(ink(cx - w / 2 + x + dx, cy - h / 2 + y + dy) - want);
                    }
                }
                if (score > best_score) {
                    best_score = score;
                    best = number;
                }
            }
        }
    }
    return best;
}

} // namespace

TEST(RouletteScene, LandsCentredOnTheFatesWedge)
{
    for (uint64_t seed : {42ull, 7ull, 2026ull, 99ull}) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        Rig rig(640, 400, seed);
        int n = 0;
        for (; n * frame_seconds < 7.5; ++n) // past the landing (7.2 s), in the highlight
            rig.frame(n, n * frame_seconds, n == 0);
        ASSERT_EQ(rig.host.landings.size(), 1u);
        const SpinOutcome& landed = rig.host.landings[0];
        uint32_t fate = spec_first_fate(seed);
        EXPECT_EQ(landed.spin, 1u);
        EXPECT_EQ(landed.fate, fate);
        EXPECT_EQ(landed.win, fate % 2 == 1);
        EXPECT_EQ(landed.wedge, spec_wedge(fate));
        EXPECT_GT(landed.end_frame, landed.start_frame);

        // On the screen: straight under the pointer, halfway out, the landed
        // wedge lit in its kind's highlight colour...
        const RouletteLayout& l = rig.scene->layout();
        int32_t cx = l.wheel_cx, r = l.wheel_radius;
        int32_t y = l.wheel_cy - r / 2;
        Color lit = spec_wedge(fate) % 2 == 0 ? wheel_colors::highlight_coloured
                                              : wheel_colors::highlight_blank;
        EXPECT_EQ(rig.surface.at(cx, y), lit);
        // ... and centred there: the spokes on either side are equally far
        // (a twelfth of a turn apart), along the row through that point.
        auto spoke_distance = [&](int direction) {
            for (int32_t d = 1; d < r; ++d) {
                if (rig.surface.at(cx + direction * d, y) != lit)
                    return d;
            }
            return -1;
        };
        int left = spoke_distance(-1), right = spoke_distance(+1);
        EXPECT_GT(left, 10);
        EXPECT_LE(std::abs(left - right), 1) << "left " << left << " right " << right;
        // ... and it is the right wedge: of the numbers 0-11 drawn in the
        // font, the one under the pointer (upright at 12 o'clock) looks most
        // like the expected wedge's.
        EXPECT_EQ(number_under_pointer(rig.surface, l, lit), spec_wedge(fate));
    }
}

TEST(RouletteScene, SteadyWheelTurnsTheSameStepEveryFrameAndNeverLands)
{
    Rig rig(640, 400, 42, false, false, SpinMode::Steady);
    Rect wheel = rig.scene->wheel().bounds();
    std::vector<uint32_t> previous;
    double t = 0;
    for (int n = 0; n < 1200; ++n) {
        // Frames 1 to 50 ms apart: the step does not follow the clock.
        t += 0.001 * (1 + n % 50);
        Damage damage = rig.frame(n, t, n == 0);
        double expected = n / 240.0 - double(n / 240);
        EXPECT_NEAR(rig.scene->rotation(), expected, 1e-9) << "frame " << n;
        if (n > 0) {
            // Only the wheel, and all of it, every frame: the same work each time.
            ASSERT_EQ(damage.rects().size(), 1u) << "frame " << n;
            EXPECT_EQ(damage.rects()[0], wheel) << "frame " << n;
            EXPECT_NE(rig.pixels, previous) << "frame " << n;
        }
        previous = rig.pixels;
    }
    EXPECT_TRUE(rig.host.landings.empty());
    EXPECT_FALSE(rig.scene->finished());
    // No banner ever: its area stays black.
    const Rect& banner = rig.scene->layout().banner;
    for (int32_t y = banner.y; y < banner.bottom(); ++y)
        for (int32_t x = banner.x; x < banner.right(); ++x)
            ASSERT_EQ(rig.surface.at(x, y), 0u) << x << "," << y;
}

TEST(RouletteScene, SameSeedSameFates)
{
    Rig a(320, 200, 7), b(320, 200, 7);
    a.host.gate_on = b.host.gate_on = false; // several spins
    for (int n = 0; n * frame_seconds < 32.0; ++n) {
        a.frame(n, n * frame_seconds, n == 0);
        b.frame(n, n * frame_seconds, n == 0);
    }
    ASSERT_EQ(a.host.landings.size(), 3u);
    ASSERT_EQ(a.host.landings.size(), b.host.landings.size());
    for (size_t i = 0; i < a.host.landings.size(); ++i)
        EXPECT_EQ(a.host.landings[i].fate, b.host.landings[i].fate);
}

TEST(RouletteScene, GateOnLossFinishesGateOffGoesOn)
{
    for (bool gate : {true, false}) {
        // Find a seed whose first spin loses.
        uint64_t seed = 1;
        while (fate_wins(FateGenerator(seed).next_fate()))
            ++seed;
        Rig rig(320, 200, seed);
        rig.host.gate_on = gate;
        for (int n = 0; n * frame_seconds < 14.0 && !rig.scene->finished(); ++n)
            rig.frame(n, n * frame_seconds, n == 0);
        EXPECT_EQ(rig.scene->finished(), gate) << "gate=" << gate;
        if (!gate) {
            EXPECT_EQ(rig.scene->current().spin, 2u);
        }
    }
}

TEST(RouletteScene, DamageOnlyRenderingEqualsFullRendering)
{
    // The same seed and times: one scene draws only its damage frame after
    // frame, the other redraws everything each frame; at every checkpoint the
    // pixels are identical.
    Rig incremental(640, 400, 99), full(640, 400, 99);
    for (int n = 0; n * frame_seconds < 13.0; ++n) {
        double t = n * frame_seconds;
        Damage damage = incremental.frame(n, t, n == 0);
        full.frame(n, t, true);
        if (n % 15 == 0 || (t > 7.1 && t < 10.5)) {
            ASSERT_EQ(incremental.pixels, full.pixels) << "frame " << n << " t=" << t;
        }
        if (n > 0 && t < 7.0) {
            // While spinning, only the wheel changes.
            EXPECT_LE(damage.area(), incremental.scene->wheel().bounds().area()) << "frame " << n;
        }
    }
}

TEST(RouletteScene, ParallelRenderingEqualsSingleCpu)
{
    Rig single(640, 400, 5), threaded(640, 400, 5, true), reversed(640, 400, 5, false, true);
    for (int n = 0; n * frame_seconds < 9.5; n += 7) {
        double t = n * frame_seconds;
        single.frame(n, t, n == 0);
        threaded.frame(n, t, n == 0);
        reversed.frame(n, t, n == 0);
        ASSERT_EQ(single.pixels, threaded.pixels) << "frame " << n;
        ASSERT_EQ(single.pixels, reversed.pixels) << "frame " << n;
    }
}

TEST(RouletteScene, GoldenImages)
{
    // Fixed seed and times, 640×400: the start, mid-spin, the highlight, a
    // flash, and the result with its banner.
    struct Shot {
        const char* name;
        double t;
    } shots[] = {{"roulette_t0", 0.0}, {"roulette_t2", 2.0}, {"roulette_highlight", 7.6},
        {"roulette_flash", 8.2}, {"roulette_result", 11.0}};
    Rig rig(640, 400, 2026);
    int n = 0;
    for (const Shot& shot : shots) {
        for (; n * frame_seconds < shot.t; ++n)
            rig.frame(n, n * frame_seconds, n == 0);
        rig.frame(n, shot.t, n == 0);
        ++n;
        std::string failure = golden::check(shot.name, rig.image(), 2, 40);
        EXPECT_TRUE(failure.empty()) << shot.name << ": " << failure;
    }
}

// Every screen size, from the smallest mode rota accepts
// to very uneven ones, lays out and draws inside the memory the scene asked
// for (a guard zone after it must stay untouched) and inside the screen, and
// the spins still land and go on.
TEST(RouletteScene, EveryScreenSizeDrawsInsideItsMemoryAndItsScreen)
{
    const std::pair<int32_t, int32_t> sizes[] = {{16, 16}, {17, 17}, {16, 4000}, {17, 4000},
        {4000, 17}, {4000, 16}, {23, 61}, {61, 23}, {100, 37}, {37, 100}, {160, 120}, {199, 301},
        {320, 200}, {401, 239}, {640, 200}, {200, 600}, {1023, 767}, {1281, 799}, {2900, 2900}};
    constexpr size_t guard_bytes = 4096;
    constexpr uint8_t guard = 0xa5;
    for (auto [w, h] : sizes) {
        SCOPED_TRACE(std::to_string(w) + "x" + std::to_string(h));
        size_t needed = RouletteScene::memory_needed(w, h);
        ASSERT_LT(needed, size_t(1) << 32); // no wrapped size
        std::vector<uint8_t> memory(needed + guard_bytes + 16, guard);
        auto* aligned = reinterpret_cast<uint8_t*>(
            (reinterpret_cast<uintptr_t>(memory.data()) + 15) & ~uintptr_t(15));
        // A frame around the screen in memory: drawing outside the screen shows.
        constexpr int32_t border = 8;
        std::vector<uint32_t> pixels(size_t(w + 2 * border) * (h + 2 * border), 0x123456);
        Surface screen {pixels.data() + border * (w + 2 * border) + border, w, h, w + 2 * border};
        TestHost host;
        host.gate_on = false;
        RouletteScene scene(host, w, h, 3, aligned);
        // Two spins and the start of a third, the large screen in big steps.
        double step = w * h > 4'000'000 ? 0.9 : frame_seconds;
        for (int n = 0; n * step < 26.0; ++n) {
            Damage damage(screen.bounds());
            scene.draw(screen, uint64_t(n), uint64_t(n * step * 1e9), n == 0, damage);
        }
        EXPECT_EQ(host.landings.size(), 2u);
        for (size_t i = needed; i < needed + guard_bytes; ++i)
            ASSERT_EQ(aligned[i], guard)
                << "the scene wrote " << i - needed << " bytes past its memory";
        for (int32_t y = 0; y < h + 2 * border; ++y) {
            for (int32_t x = 0; x < w + 2 * border; ++x) {
                bool inside = x >= border && x < w + border && y >= border && y < h + border;
                if (!inside) {
                    ASSERT_EQ(pixels[size_t(y) * (w + 2 * border) + x], 0x123456u)
                        << "drawn outside the screen at " << x - border << "," << y - border;
                }
            }
        }
    }
}
