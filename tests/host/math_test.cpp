#include "core/lib/math.h"

#include <gtest/gtest.h>

#include <cmath>

TEST(Math, Atan2MatchesTheLibraryEverywhere)
{
    for (int i = -200; i <= 200; ++i) {
        for (int j = -200; j <= 200; j += 7) {
            double y = i * 0.37, x = j * 0.41;
            ASSERT_NEAR(rota::arc_tangent2(y, x), std::atan2(y, x), 1e-9) << y << "," << x;
        }
    }
    EXPECT_NEAR(rota::arc_tangent2(1e-9, -1.0), std::atan2(1e-9, -1.0), 1e-12);
    EXPECT_NEAR(rota::arc_tangent2(1e9, 1.0), std::atan2(1e9, 1.0), 1e-12);
}

TEST(Math, SineAndCosineOverManyTurns)
{
    for (int i = -5000; i <= 5000; ++i) {
        double a = i * 0.0137;
        ASSERT_NEAR(rota::sine(a), std::sin(a), 1e-9) << a;
        ASSERT_NEAR(rota::cosine(a), std::cos(a), 1e-9) << a;
    }
}

TEST(Math, SquareRootAndFloor)
{
    EXPECT_DOUBLE_EQ(rota::square_root(2.0), std::sqrt(2.0));
    EXPECT_EQ(rota::floor_double(-1.5), -2.0);
    EXPECT_EQ(rota::floor_double(1.5), 1.0);
    EXPECT_EQ(rota::floor_double(-2.0), -2.0);
}
