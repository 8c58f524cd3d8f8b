#include "core/lib/percentile.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

using rota::median_and_p99;
using rota::percentile_of_sorted;

TEST(Percentile, NearestRankAtOrBelow)
{
    std::vector<uint64_t> hundred;
    for (uint64_t i = 1; i <= 100; ++i)
        hundred.push_back(i * 10);
    EXPECT_EQ(percentile_of_sorted(hundred, 50), 510u); // index 50
    EXPECT_EQ(percentile_of_sorted(hundred, 99), 1000u); // index 99, the largest
    EXPECT_EQ(percentile_of_sorted(hundred, 0), 10u);

    std::vector<uint64_t> ten {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    EXPECT_EQ(percentile_of_sorted(ten, 50), 6u); // index 5
    EXPECT_EQ(percentile_of_sorted(ten, 99), 10u); // index 9: never past the end

    std::vector<uint64_t> one {42};
    EXPECT_EQ(percentile_of_sorted(one, 50), 42u);
    EXPECT_EQ(percentile_of_sorted(one, 99), 42u);
    EXPECT_EQ(percentile_of_sorted({}, 99), 0u);
}

TEST(Percentile, MedianAndP99SortFirst)
{
    std::vector<uint64_t> samples {900, 100, 500, 300, 700, 200, 800, 400, 600, 1000, 50};
    rota::Percentiles p = median_and_p99(samples);
    EXPECT_EQ(p.p50, 500u); // 11 samples: index 5 of 50,100,...,1000
    EXPECT_EQ(p.p99, 1000u); // index 10
    EXPECT_TRUE(std::is_sorted(samples.begin(), samples.end()));

    std::vector<uint64_t> none;
    rota::Percentiles empty = median_and_p99(none);
    EXPECT_EQ(empty.p50, 0u);
    EXPECT_EQ(empty.p99, 0u);
}
