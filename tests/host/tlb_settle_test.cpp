#include "core/mem/tlb_settle.h"

#include <gtest/gtest.h>

namespace rota {
namespace {

constexpr uint64_t ms = 1'000'000;

TEST(TlbSettle, EachOfTheFirstJobsFlushesHoweverCloseTogether)
{
    TlbSettle settle;
    // Jobs a millisecond apart: each flush may double QEMU's TLB, so the
    // warm-up does not wait for time to pass.
    for (uint32_t job = 0; job < TlbSettle::warm_up_jobs; ++job)
        EXPECT_TRUE(settle.after_job(100 * ms + job * ms)) << "job " << job;
    EXPECT_FALSE(settle.after_job(100 * ms + TlbSettle::warm_up_jobs * ms));
}

TEST(TlbSettle, AfterTheWarmUpAtMostOneFlushPerInterval)
{
    TlbSettle settle;
    uint64_t now = 5 * ms;
    for (uint32_t job = 0; job < TlbSettle::warm_up_jobs; ++job)
        ASSERT_TRUE(settle.after_job(now));
    uint64_t last_flush = now;
    int flushes = 0;
    // Ten seconds of jobs every 2 ms: ten flushes a second, each a full
    // interval after the one before.
    for (int i = 1; i <= 5000; ++i) {
        now += 2 * ms;
        if (settle.after_job(now)) {
            ++flushes;
            EXPECT_GE(now - last_flush, TlbSettle::interval_ns);
            EXPECT_LT(now - last_flush, TlbSettle::interval_ns + 2 * ms);
            last_flush = now;
        }
    }
    EXPECT_EQ(flushes, 100);
}

TEST(TlbSettle, AJobAfterALongPauseFlushesOnceThenWaitsAgain)
{
    TlbSettle settle;
    for (uint32_t job = 0; job < TlbSettle::warm_up_jobs; ++job)
        ASSERT_TRUE(settle.after_job(job * ms));
    uint64_t later = 60'000 * ms;
    EXPECT_TRUE(settle.after_job(later));
    EXPECT_FALSE(settle.after_job(later + 1));
    EXPECT_FALSE(settle.after_job(later + TlbSettle::interval_ns - 1));
    EXPECT_TRUE(settle.after_job(later + TlbSettle::interval_ns));
}

} // namespace
} // namespace rota
