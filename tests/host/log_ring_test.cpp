#include "core/log/log_ring.h"

#include <gtest/gtest.h>

#include <string>

using namespace rota;

namespace {

template<size_t N>
std::string drain(LogRing<N>& ring)
{
    std::string out;
    while (!ring.empty()) {
        out += ring.peek();
        ring.consume(1);
    }
    return out;
}

} // namespace

TEST(LogRing, LinesComeOutInOrder)
{
    LogRing<64> ring;
    EXPECT_TRUE(ring.push("one\n", 4));
    EXPECT_TRUE(ring.push("two\n", 4));
    EXPECT_EQ(drain(ring), "one\ntwo\n");
    EXPECT_EQ(ring.dropped(), 0u);
}

TEST(LogRing, AFullRingDropsWholeLinesAndCountsThem)
{
    LogRing<16> ring;
    EXPECT_TRUE(ring.push("0123456789\n", 11));
    EXPECT_FALSE(ring.push("abcdefgh\n", 9)); // 5 bytes free: the whole line goes
    EXPECT_EQ(ring.dropped(), 1u);
    EXPECT_TRUE(ring.push("abcd\n", 5)); // exactly fits
    EXPECT_EQ(ring.free_space(), 0u);
    EXPECT_EQ(drain(ring), "0123456789\nabcd\n");
}

TEST(LogRing, WrapsAroundManyTimes)
{
    LogRing<32> ring;
    std::string expected;
    std::string got;
    for (int i = 0; i < 1000; ++i) {
        std::string line = "line " + std::to_string(i) + "\n";
        ASSERT_TRUE(ring.push(line.data(), line.size()));
        expected += line;
        // Drain a little, as the UART would, leaving some behind.
        while (ring.used() > 10) {
            got += ring.peek();
            ring.consume(1);
        }
    }
    got += drain(ring);
    EXPECT_EQ(got, expected);
}

TEST(LogRing, ConsumeNeverPassesTheHead)
{
    LogRing<16> ring;
    ring.push("ab", 2);
    ring.consume(10);
    EXPECT_TRUE(ring.empty());
    EXPECT_TRUE(ring.push("cd", 2));
    EXPECT_EQ(drain(ring), "cd");
}
