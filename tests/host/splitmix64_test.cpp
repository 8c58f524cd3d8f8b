#include "core/lib/splitmix64.h"

#include <gtest/gtest.h>

// The reference sequence for seed 1234567, as published with SplitMix64's
// C reference code (and on Rosetta Code, "Pseudo-random numbers/Splitmix64").
TEST(SplitMix64, MatchesTheReferenceSequence)
{
    rota::SplitMix64 random(1234567);
    EXPECT_EQ(random.next(), 6457827717110365317ull);
    EXPECT_EQ(random.next(), 3203168211198807973ull);
    EXPECT_EQ(random.next(), 9817491932198370423ull);
    EXPECT_EQ(random.next(), 4593380528125082431ull);
    EXPECT_EQ(random.next(), 16408922859458223821ull);
}

TEST(SplitMix64, TheMixAloneIsOneStepFromTheStateBefore)
{
    // next() adds the gamma, then mixes: the first output of seed s is
    // mix(s + gamma).
    rota::SplitMix64 random(1234567);
    EXPECT_EQ(rota::splitmix64_mix(1234567 + rota::splitmix64_gamma), random.next());
    EXPECT_EQ(rota::splitmix64_mix(0), 0u);
}
