#include "smp/worker_linger.h"

#include <gtest/gtest.h>

namespace rota {
namespace {

constexpr uint64_t linger = 100;

// One job: seen at `seen`, ended `length` later. Returns the linger's end.
uint64_t job(WorkerLinger& w, uint64_t seen, uint64_t length = 30)
{
    w.job_seen(seen);
    return w.job_ended(seen + length);
}

TEST(WorkerLinger, TheFirstJobHaltsAtOnce)
{
    WorkerLinger w(linger);
    // Nothing came before it, so nothing says another follows soon.
    EXPECT_EQ(job(w, 5000), 0u);
}

TEST(WorkerLinger, JobsInQuickSuccessionLingerFromTheEndOfEach)
{
    WorkerLinger w(linger);
    job(w, 1000); // ends at 1030
    // Seen 40 ticks after the last one ended: quick, so linger after it.
    EXPECT_EQ(job(w, 1070), 1100u + linger);
    EXPECT_EQ(job(w, 1150), 1180u + linger);
}

TEST(WorkerLinger, AGapOfTheLingerOrMoreIsNotQuick)
{
    WorkerLinger w(linger);
    job(w, 1000); // ends at 1030
    EXPECT_EQ(job(w, 1030 + linger), 0u);
    EXPECT_EQ(job(w, 1160 + linger - 1), 1190u + 2 * linger - 1);
}

TEST(WorkerLinger, RenderThenPresentAFrameApartKeepsLingering)
{
    // gop at fps=60: the present follows the render at once, the next render
    // comes a frame later. Every other job is quick, so the worker lingers
    // after each, the one before the long gap included.
    WorkerLinger w(linger);
    uint64_t t = 0;
    EXPECT_EQ(job(w, t), 0u); // the first render
    EXPECT_NE(job(w, t + 40), 0u); // its present
    for (int frame = 1; frame < 10; ++frame) {
        t += 16'000; // the next frame's render
        EXPECT_NE(job(w, t), 0u) << "after the render of frame " << frame;
        EXPECT_NE(job(w, t + 40), 0u) << "after the present of frame " << frame;
    }
}

TEST(WorkerLinger, JobsAFrameApartStopLingeringAfterFour)
{
    WorkerLinger w(linger);
    uint64_t t = 0;
    job(w, t);
    for (int i = 0; i < 6; ++i)
        job(w, t += 50); // quick: the worker lingers
    ASSERT_NE(job(w, t += 50), 0u);
    // Then a job every frame: the last quick one leaves the history after
    // four slow ones.
    for (uint32_t slow = 1; slow <= 3; ++slow)
        EXPECT_NE(job(w, t += 16'000), 0u) << slow << " slow jobs";
    EXPECT_EQ(job(w, t += 16'000), 0u);
    EXPECT_EQ(job(w, t += 16'000), 0u);
    // One quick job turns it on again.
    EXPECT_NE(job(w, t += 60), 0u);
}

} // namespace
} // namespace rota
