// The frame loop against a fake clock, fake displays and a recording scene:
// what counts as a frame, what is redrawn after a fail-over, how frames are
// paced, and what it logs.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "gfx/frame/frame_loop.h"
#include "support/fake_display.h"

using display_test::FakeDisplay;
using display_test::FakeStep;
using display_test::JournalSink;
using rota::FrameLoop;
using rota::FrameLoopOptions;
using rota::FrameLoopStop;

namespace {

constexpr uint64_t ms = 1'000'000;

// Time moves only when the loop's collaborators say so: drawing costs
// `draw_ns`, a present costs nothing, waits jump to their deadline.
class FakeClock final : public rota::FrameClock {
public:
    uint64_t now_ns() override { return now; }
    void wait_until(uint64_t deadline_ns) override
    {
        waits.push_back(deadline_ns);
        now = std::max(now, deadline_ns);
    }
    void idle() override { ++idles; }

    uint64_t now {1000 * ms};
    std::vector<uint64_t> waits;
    int idles {0};
};

struct Draw {
    uint64_t frame;
    uint64_t now_ns;
    bool full;
    int32_t width;
};

class RecordingScene final : public rota::Scene {
public:
    explicit RecordingScene(FakeClock& clock)
        : m_clock(clock)
    {
    }
    void draw(rota::Surface& target, uint64_t frame, uint64_t now_ns, bool full,
        rota::Damage& damage) override
    {
        draws.push_back({frame, now_ns, full, target.width});
        m_clock.now += draw_ns;
        if (full)
            damage.add_all();
        else
            damage.add({10, 20, 30, 40});
    }
    bool finished() const override { return finish_after != 0 && draws.size() >= finish_after; }

    uint64_t draw_ns {4 * ms};
    size_t finish_after {0};
    std::vector<Draw> draws;

private:
    FakeClock& m_clock;
};

struct Rig {
    std::vector<std::string> journal;
    JournalSink sink {journal};
    FakeClock clock;
    rota::FrameStats stats;
    FakeDisplay gpu {"virtio-gpu", 320, 200};
    FakeDisplay gop {"gop", 320, 200};
    FakeStep gpu_step {"virtio-gpu", &gpu, journal};
    FakeStep gop_step {"gop", &gop, journal, "falling back"};
    rota::DisplayStep* chain[2] {&gpu_step, &gop_step};
    rota::Screen screen {chain, sink};
    RecordingScene scene {clock};

    Rig() { screen.start(); }

    size_t lines_starting(const std::string& prefix) const
    {
        return size_t(std::count_if(journal.begin(), journal.end(),
            [&](const std::string& line) { return line.rfind(prefix, 0) == 0; }));
    }
};

FrameLoopOptions options(uint64_t frames, uint32_t fps = 0)
{
    FrameLoopOptions o;
    o.frames = frames;
    o.fps = fps;
    return o;
}

} // namespace

TEST(FrameLoop, StopsAfterTheConfiguredFramesAndLogsEachOne)
{
    Rig r;
    FrameLoop loop(r.screen, r.stats, options(50), r.clock, r.sink);
    EXPECT_EQ(loop.run(r.scene), FrameLoopStop::Done);
    EXPECT_EQ(loop.frames(), 50u);
    EXPECT_EQ(r.gpu.presented.size(), 50u);
    EXPECT_EQ(r.lines_starting("[VIRTIO PERF] "), 50u);
    EXPECT_EQ(r.journal.back(), "[VIRTIO PERF] fences=3 spins=0 completions=2 notifies=1");
    // The first frame is drawn whole, the rest only where they changed.
    EXPECT_TRUE(r.scene.draws[0].full);
    EXPECT_FALSE(r.scene.draws[1].full);
    for (size_t i = 0; i < r.scene.draws.size(); ++i)
        EXPECT_EQ(r.scene.draws[i].frame, i);
}

TEST(FrameLoop, AFailedPresentIsNotAFrame)
{
    // debug=gpu-fault frames=120: the device fails on its 31st present; the
    // GOP display takes over and 120 frames still reach the screen.
    Rig r;
    r.gpu.fail_at_present = 31;
    FrameLoop loop(r.screen, r.stats, options(120), r.clock, r.sink);
    EXPECT_EQ(loop.run(r.scene), FrameLoopStop::Done);
    EXPECT_EQ(loop.frames(), 120u);
    EXPECT_EQ(loop.summary().frames, 120u);
    EXPECT_EQ(r.gpu.presented.size(), 30u);
    EXPECT_EQ(r.gop.presented.size(), 90u);
    EXPECT_EQ(r.gpu.abandoned, 1);
    EXPECT_EQ(r.lines_starting("[VIRTIO PERF] "), 120u);
    // The frame that failed is drawn again, whole, on the new display.
    ASSERT_EQ(r.scene.draws.size(), 121u);
    EXPECT_EQ(r.scene.draws[30].frame, 30u);
    EXPECT_FALSE(r.scene.draws[30].full);
    EXPECT_EQ(r.scene.draws[31].frame, 30u);
    EXPECT_TRUE(r.scene.draws[31].full);
    EXPECT_FALSE(r.scene.draws[32].full);
}

TEST(FrameLoop, FullRedrawAfterFailOverPresentsTheWholeScreen)
{
    Rig r;
    r.gpu.fail_at_present = 3;
    FrameLoop loop(r.screen, r.stats, options(5), r.clock, r.sink);
    loop.run(r.scene);
    ASSERT_FALSE(r.gop.presented.empty());
    rota::Rect box = r.gop.presented[0].bounding_box();
    EXPECT_EQ(box.width, 320);
    EXPECT_EQ(box.height, 200);
}

TEST(FrameLoop, PacesEachFrameToItsDeadline)
{
    Rig r;
    FrameLoop loop(r.screen, r.stats, options(5, 50), r.clock, r.sink);
    uint64_t start = r.clock.now;
    loop.run(r.scene);
    // 50 fps: a frame every 20 ms from its start; the last frame does not wait.
    ASSERT_EQ(r.clock.waits.size(), 4u);
    for (size_t i = 0; i < r.clock.waits.size(); ++i)
        EXPECT_EQ(r.clock.waits[i], start + (i + 1) * 20 * ms);
    EXPECT_EQ(r.clock.idles, 1);
    // Each frame took its whole period (the drawing's 4 ms fit inside it);
    // the whole run's percentiles come from 0.25 ms buckets.
    EXPECT_NEAR(double(loop.summary().p50_ns), double(20 * ms), 0.25 * ms);
}

TEST(FrameLoop, FpsZeroNeverWaits)
{
    Rig r;
    FrameLoop loop(r.screen, r.stats, options(10, 0), r.clock, r.sink);
    loop.run(r.scene);
    EXPECT_TRUE(r.clock.waits.empty());
    EXPECT_EQ(r.clock.idles, 10);
    EXPECT_EQ(loop.summary().mean_render_ns, 4 * ms);
}

TEST(FrameLoop, PerframeOffLogsNoPerfLines)
{
    Rig r;
    FrameLoopOptions o = options(10);
    o.perframe = false;
    FrameLoop loop(r.screen, r.stats, o, r.clock, r.sink);
    loop.run(r.scene);
    EXPECT_EQ(r.lines_starting("[VIRTIO PERF]"), 0u);
    EXPECT_EQ(r.gpu.counters_taken, 10u); // the counters are still taken (and reset)
}

TEST(FrameLoop, AFrameLineEverySecond)
{
    Rig r;
    r.scene.draw_ns = 10 * ms;
    FrameLoop loop(r.screen, r.stats, options(250), r.clock, r.sink);
    loop.run(r.scene);
    // 250 frames of 10 ms: 2.5 s, so two whole seconds reported.
    EXPECT_EQ(r.lines_starting("[frame] "), 2u);
    auto first = std::find_if(r.journal.begin(), r.journal.end(),
        [](const std::string& line) { return line.rfind("[frame] ", 0) == 0; });
    EXPECT_EQ(
        *first, "[frame] n=99 fps=100.0 p50_ms=10.0 p99_ms=10.0 render_ms=10.0 present_ms=0.0");
}

TEST(FrameLoop, FirstFrameLogsTheTimeSinceBootOnce)
{
    Rig r;
    FrameLoopOptions o = options(10);
    // The kernel started 300 ms of clock time before the loop; the first
    // frame's drawing takes 4 ms.
    o.boot_started_ns = int64_t(r.clock.now) - int64_t(300 * ms);
    FrameLoop loop(r.screen, r.stats, o, r.clock, r.sink);
    loop.run(r.scene);
    EXPECT_EQ(r.lines_starting("[boot] first_frame_ms="), 1u);
    EXPECT_NE(std::find(r.journal.begin(), r.journal.end(), "[boot] first_frame_ms=304"),
        r.journal.end());

    Rig quiet;
    FrameLoop plain(quiet.screen, quiet.stats, options(10), quiet.clock, quiet.sink);
    plain.run(quiet.scene);
    EXPECT_EQ(quiet.lines_starting("[boot] first_frame_ms="), 0u);
}

TEST(FrameLoop, SummaryCountsTheDamagedPixels)
{
    Rig r;
    FrameLoop loop(r.screen, r.stats, options(4), r.clock, r.sink);
    loop.run(r.scene);
    // One full frame of 320x200, then three of the scene's 30x40 box.
    EXPECT_EQ(loop.summary().mean_damage_px, (320u * 200u + 3u * 30u * 40u) / 4u);
}

TEST(FrameLoop, StopsWhenTheSceneFinishes)
{
    Rig r;
    r.scene.finish_after = 7;
    FrameLoop loop(r.screen, r.stats, options(0), r.clock, r.sink);
    EXPECT_EQ(loop.run(r.scene), FrameLoopStop::Done);
    EXPECT_EQ(loop.frames(), 7u);
}

TEST(FrameLoop, HeadlessReturnsAtOnce)
{
    std::vector<std::string> journal;
    JournalSink sink(journal);
    FakeStep none("virtio-gpu", nullptr, journal);
    rota::DisplayStep* chain[] = {&none};
    rota::Screen screen(chain, sink);
    screen.start();
    FakeClock clock;
    rota::FrameStats stats;
    RecordingScene scene(clock);
    FrameLoop loop(screen, stats, options(10), clock, sink);
    EXPECT_EQ(loop.run(scene), FrameLoopStop::Headless);
    EXPECT_TRUE(scene.draws.empty());
    EXPECT_EQ(loop.frames(), 0u);
}

TEST(FrameLoop, ADisplayOfAnotherSizeHandsBackToTheCaller)
{
    std::vector<std::string> journal;
    JournalSink sink(journal);
    FakeDisplay gpu("virtio-gpu", 320, 200);
    FakeDisplay gop("gop", 640, 480);
    gpu.fail_at_present = 4;
    FakeStep gpu_step("virtio-gpu", &gpu, journal);
    FakeStep gop_step("gop", &gop, journal);
    rota::DisplayStep* chain[] = {&gpu_step, &gop_step};
    rota::Screen screen(chain, sink);
    screen.start();
    FakeClock clock;
    rota::FrameStats stats;
    RecordingScene first(clock);
    FrameLoop loop(screen, stats, options(10), clock, sink);
    // The scene laid out for 320x200 is never drawn on the 640x480 display.
    EXPECT_EQ(loop.run(first), FrameLoopStop::DisplayChanged);
    EXPECT_EQ(loop.frames(), 3u);
    for (const Draw& d : first.draws)
        EXPECT_EQ(d.width, 320);
    // A scene laid out for the new display goes on counting.
    RecordingScene second(clock);
    EXPECT_EQ(loop.run(second), FrameLoopStop::Done);
    EXPECT_EQ(loop.frames(), 10u);
    ASSERT_EQ(second.draws.size(), 7u);
    EXPECT_EQ(second.draws[0].frame, 3u);
    EXPECT_TRUE(second.draws[0].full);
    EXPECT_EQ(second.draws[0].width, 640);
}

TEST(FrameLoop, FullPresentSendsTheWholeScreenEveryFrame)
{
    Rig r;
    FrameLoopOptions o = options(4);
    o.full_present = true;
    FrameLoop loop(r.screen, r.stats, o, r.clock, r.sink);
    loop.run(r.scene);
    for (const rota::Damage& d : r.gpu.presented)
        EXPECT_EQ(d.area(), 320 * 200);
}

TEST(FrameLoop, PresentOnlyRepeatsTheLastDrawnDamageWithoutDrawing)
{
    Rig r;
    FrameLoopOptions o = options(6);
    o.present_only = true;
    FrameLoop loop(r.screen, r.stats, o, r.clock, r.sink);
    loop.run(r.scene);
    // Frame 0 is the full one; frame 1 is the first steady one; after that
    // nothing is drawn and frame 1's damage is presented again.
    EXPECT_EQ(r.scene.draws.size(), 2u);
    ASSERT_EQ(r.gpu.presented.size(), 6u);
    for (size_t i = 1; i < 6; ++i) {
        ASSERT_EQ(r.gpu.presented[i].rects().size(), 1u);
        EXPECT_EQ(r.gpu.presented[i].rects()[0].x, 10);
        EXPECT_EQ(r.gpu.presented[i].rects()[0].width, 30);
    }
}

TEST(FrameLoop, FrameTimesLogsEveryFrame)
{
    Rig r;
    FrameLoopOptions o = options(3);
    o.frame_times = true;
    o.perframe = false;
    FrameLoop loop(r.screen, r.stats, o, r.clock, r.sink);
    loop.run(r.scene);
    EXPECT_EQ(r.lines_starting("[frametime] "), 3u);
    EXPECT_EQ(r.journal.back(), "[frametime] n=2 ms=4.0");
}
