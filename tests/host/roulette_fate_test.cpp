#include "gfx/roulette/fate.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace rota;

TEST(Fate, SameSeedSameFates)
{
    FateGenerator a(1234), b(1234), c(1235);
    for (int i = 0; i < 100; ++i) {
        uint32_t fate = a.next_fate();
        EXPECT_EQ(fate, b.next_fate());
        EXPECT_NE(fate, c.next_fate());
    }
}

TEST(Fate, TargetWedgeMatchesTheResult)
{
    // fate mod 12 already of the right kind stays; otherwise it moves forward one.
    EXPECT_EQ(target_wedge(13), 2); // odd (win), 13 % 12 = 1 is blank -> 2
    EXPECT_EQ(target_wedge(25), 2); // win, 25 % 12 = 1 -> 2
    EXPECT_EQ(target_wedge(11), 0); // win, 11 is blank -> wraps to 0
    EXPECT_EQ(target_wedge(14), 3); // loss, 2 is coloured -> 3
    EXPECT_EQ(target_wedge(15), 4); // win, 3 blank -> 4
    EXPECT_EQ(target_wedge(16), 5); // loss, 4 coloured -> 5
    EXPECT_EQ(target_wedge(23), 0); // win, 11 blank -> 0
    EXPECT_EQ(target_wedge(22), 11); // loss, 10 coloured -> 11
    FateGenerator generator(7);
    for (int i = 0; i < 10000; ++i) {
        uint32_t fate = generator.next_fate();
        int wedge = target_wedge(fate);
        ASSERT_EQ(wedge_is_coloured(wedge), fate_wins(fate)) << fate;
        int offset = (wedge - static_cast<int>(fate % 12) + 12) % 12;
        ASSERT_LE(offset, 1) << fate;
    }
}

TEST(Fate, WedgeAtPointer)
{
    // Unturned, the pointer is at the boundary of 11 and 0; a hair clockwise
    // of the top is wedge 0, so turning the wheel slightly clockwise brings 11.
    EXPECT_EQ(wedge_at_pointer(0.001), 11);
    EXPECT_EQ(wedge_at_pointer(-0.001), 0);
    EXPECT_EQ(wedge_at_pointer(-(3.5 / 12)), 3);
    EXPECT_EQ(wedge_at_pointer(5.0 - 3.5 / 12), 3);
}

TEST(Fate, EaseOutIsMonotoneAndEndsCentredOnTheTarget)
{
    for (int target = 0; target < wedge_count; ++target) {
        for (double start : {0.0, 0.3, -2.71, 17.123}) {
            SpinPlan plan = SpinPlan::toward(start, target);
            EXPECT_GE(plan.total, full_turns_per_spin);
            EXPECT_LT(plan.total, full_turns_per_spin + 1);
            double previous = plan.rotation_at(0);
            EXPECT_DOUBLE_EQ(previous, start);
            for (int i = 1; i <= 720; ++i) {
                double now = plan.rotation_at(i * 0.01);
                ASSERT_GE(now, previous) << "not monotone at " << i * 0.01;
                previous = now;
            }
            EXPECT_DOUBLE_EQ(plan.rotation_at(7.2), plan.end());
            EXPECT_DOUBLE_EQ(plan.rotation_at(100.0), plan.end());
            EXPECT_EQ(wedge_at_pointer(plan.end()), target);
            // Exactly centred: the pointer is half a wedge from either edge.
            double at = -plan.end();
            at -= std::floor(at);
            EXPECT_NEAR(at * wedge_count, target + 0.5, 1e-9);
        }
    }
}

TEST(Fate, EaseOutSlowsDown)
{
    SpinPlan plan = SpinPlan::toward(0, 5);
    double early = plan.rotation_at(0.1) - plan.rotation_at(0.0);
    double late = plan.rotation_at(7.2) - plan.rotation_at(7.1);
    EXPECT_GT(early, 10 * late);
}
