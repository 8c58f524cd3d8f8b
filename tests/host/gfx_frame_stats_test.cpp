#include "gfx/frame/frame_stats.h"

#include <gtest/gtest.h>

#include <string>

using namespace rota;

TEST(FrameStats, PercentilesOfRecentFrames)
{
    FrameStats stats;
    for (uint64_t i = 1; i <= 100; ++i)
        stats.record({i * 1'000'000, 500'000, 100'000, {3, 0, 2, 1}, 0});
    FrameSummary s = stats.recent();
    EXPECT_EQ(s.frames, 100u);
    EXPECT_EQ(s.p50_ns, 51'000'000u);
    EXPECT_EQ(s.p99_ns, 100'000'000u);
    EXPECT_EQ(s.mean_render_ns, 500'000u);
    EXPECT_EQ(s.counters.fences, 300u);
    EXPECT_EQ(s.counters.completions, 200u);
    EXPECT_EQ(s.per_frame_x100(s.counters.fences), 300u);
    EXPECT_EQ(s.per_frame_x100(s.counters.notifies), 100u);
    EXPECT_EQ(s.per_frame_x100(s.counters.spins), 0u);
}

TEST(FrameStats, WholeRunPercentilesFromTheHistogram)
{
    FrameStats stats;
    for (int i = 0; i < 2000; ++i)
        stats.record({i < 1980 ? 13'100'000u : 40'000'000u, 0, 0, {}, 0});
    FrameSummary s = stats.total();
    EXPECT_EQ(s.frames, 2000u);
    EXPECT_EQ(s.p50_ns, 13'250'000u); // the 13.00-13.25 ms bucket's upper edge
    EXPECT_EQ(s.p99_ns, 40'250'000u);
}

TEST(FrameStats, RecentFrameOrderIsNewestFirst)
{
    FrameStats stats;
    for (uint64_t i = 1; i <= 5; ++i)
        stats.record({i, 0, 0, {}, 0});
    EXPECT_EQ(stats.recent_frame_ns(0), 5u);
    EXPECT_EQ(stats.recent_frame_ns(4), 1u);
    EXPECT_EQ(stats.recent_frame_ns(5), 0u);
}

TEST(FrameStats, Texts)
{
    EXPECT_EQ(std::string(ms_text(13'249'999).text), "13.2");
    EXPECT_EQ(std::string(ms_text(13'250'000).text), "13.3");
    EXPECT_EQ(std::string(ms_hundredths_text(624'999).text), "0.62");
    EXPECT_EQ(std::string(ms_hundredths_text(625'000).text), "0.63");
    EXPECT_EQ(std::string(ms_hundredths_text(13'249'999).text), "13.25");
    EXPECT_EQ(std::string(fps_text(718, 10'000'000'000ull).text), "71.8");
    EXPECT_EQ(std::string(hundredths_text(300).text), "3.00");
    EXPECT_EQ(std::string(hundredths_text(5).text), "0.05");
}
