#include "core/time/tsc_math.h"

#include <gtest/gtest.h>

#include <vector>

using namespace rota;

TEST(TscMath, FrequencyFromPitWindow)
{
    // 10 ms of PIT (11931 ticks at 1.193182 MHz) during which a 3 GHz TSC ran.
    uint64_t tsc_delta = 3'000'000'000ull * 11931 / 1'193'182;
    uint64_t hz = tsc_hz_from_reference(tsc_delta, 11931, 1'193'182);
    EXPECT_NEAR(static_cast<double>(hz), 3e9, 3e9 * 1e-6);
}

TEST(TscMath, FrequencyFromPmTimer)
{
    // ACPI PM timer: 3.579545 MHz.
    uint64_t hz = tsc_hz_from_reference(2'400'000'000ull / 100, 35'795, 3'579'545);
    EXPECT_NEAR(static_cast<double>(hz), 2.4e9, 2.4e9 * 1e-4);
}

TEST(TscMath, NoReferenceTicksIsNoMeasurement)
{
    EXPECT_EQ(tsc_hz_from_reference(12345, 0, 1'193'182), 0u);
}

TEST(TscMath, HugeDeltaDoesNotOverflow)
{
    // Hours of TSC: the product would overflow 64 bits; the result stays right
    // to within the precision of the division-first path.
    uint64_t tsc_delta = 3'000'000'000ull * 3600 * 10; // ten hours at 3 GHz
    uint64_t reference_hz = 1'193'182;
    uint64_t reference_ticks = reference_hz * 3600 * 10;
    EXPECT_NEAR(
        static_cast<double>(tsc_hz_from_reference(tsc_delta, reference_ticks, reference_hz)), 3e9,
        3e9 * 1e-3);
}

TEST(TscMath, MedianIgnoresOneOutlier)
{
    std::vector<uint64_t> samples {3000, 3001, 9999, 2999, 3002};
    EXPECT_EQ(median(samples), 3001u);
    std::vector<uint64_t> none;
    EXPECT_EQ(median(none), 0u);
    std::vector<uint64_t> one {7};
    EXPECT_EQ(median(one), 7u);
}

TEST(TscMath, CounterDeltaAcrossWrap)
{
    EXPECT_EQ(counter_delta(0xfffff0, 0x000010, 24), 0x20u);
    EXPECT_EQ(counter_delta(0x10, 0x20, 24), 0x10u);
    EXPECT_EQ(counter_delta(0xfffffff0u, 0x10u, 32), 0x20u);
    EXPECT_EQ(counter_delta(5, 5, 24), 0u);
}

TEST(TscMath, ScaleConvertsBothWays)
{
    TscScale scale(2'995'123'456ull);
    EXPECT_EQ(scale.hz(), 2'995'123'456ull);
    EXPECT_NEAR(static_cast<double>(scale.to_ns(2'995'123'456ull)), 1e9, 1e9 * 1e-6);
    EXPECT_NEAR(static_cast<double>(scale.from_ns(1'000'000'000ull)), 2'995'123'456.0, 1.0);
    EXPECT_NEAR(static_cast<double>(scale.from_ns(7'200'000'000ull)), 2'995'123'456.0 * 7.2, 10.0);
    // A day of ticks still converts without overflow.
    uint64_t day = 2'995'123'456ull * 86400;
    EXPECT_NEAR(static_cast<double>(scale.to_ns(day)), 86400e9, 86400e9 * 1e-6);
}

TEST(TscMath, ZeroFrequencyScaleIsInert)
{
    TscScale scale(0);
    EXPECT_EQ(scale.to_ns(1000), 0u);
    EXPECT_EQ(scale.from_ns(1000), 0u);
}

TEST(TscMath, BracketedReadingsGiveTheFrequency)
{
    // 3 GHz TSC, PIT counting down from 0xffff; 20 ms later it has counted
    // 23864 ticks. Brackets of 3000 TSC ticks (1 us) are tight enough.
    BracketedReading start {1'000'000, 1'003'000, 0xffff};
    uint64_t ticks = 23864;
    uint64_t tsc_interval = 3'000'000'000ull * ticks / 1'193'182;
    BracketedReading end {
        start.tsc_before + tsc_interval, start.tsc_after + tsc_interval, 0xffff - ticks};
    auto hz = tsc_hz_from_readings(start, end, 1'193'182, 16, 500);
    ASSERT_TRUE(hz.has_value());
    EXPECT_NEAR(static_cast<double>(hz.value()), 3e9, 3e9 * 1e-4);
}

TEST(TscMath, AWideBracketIsRejected)
{
    // The vCPU was preempted for 2 ms during the end reading: 10% of the interval.
    BracketedReading start {0, 3000, 0xffff};
    BracketedReading end {60'000'000, 66'000'000, 0xffff - 23864};
    auto hz = tsc_hz_from_readings(start, end, 1'193'182, 16, 500);
    ASSERT_TRUE(hz.is_error());
    EXPECT_EQ(hz.error(), Error::Busy);
}

TEST(TscMath, ReadingsWithNoTimeBetweenAreInvalid)
{
    BracketedReading start {0, 3000, 0x1000};
    EXPECT_EQ(
        tsc_hz_from_readings(start, start, 1'193'182, 16, 500).error(), Error::InvalidArgument);
    BracketedReading end {100'000, 103'000, 0x1000};
    EXPECT_EQ(tsc_hz_from_readings(start, end, 1'193'182, 16, 500).error(), Error::InvalidArgument);
}

TEST(TscMath, DownCounterWrapIsHandled)
{
    // A 16-bit counter reloading from 0 to 0xffff between the readings.
    BracketedReading start {0, 100, 0x0010};
    uint64_t tsc_interval = 3'000'000'000ull * 0x20 / 1'193'182;
    BracketedReading end {tsc_interval, tsc_interval + 100, 0xfff0};
    auto hz = tsc_hz_from_readings(start, end, 1'193'182, 16, 1'000'000);
    ASSERT_TRUE(hz.has_value());
    EXPECT_NEAR(static_cast<double>(hz.value()), 3e9, 3e9 * 0.05);
}

TEST(TscMath, PmTimerUpCounterGivesTheFrequency)
{
    // The ACPI PM timer counts up at 3.579545 MHz: 20 ms is 71591 ticks.
    BracketedReading start {1'000'000, 1'002'000, 0x100000};
    uint64_t ticks = 71591;
    uint64_t tsc_interval = 2'596'098'000ull * ticks / 3'579'545;
    BracketedReading end {
        start.tsc_before + tsc_interval, start.tsc_after + tsc_interval, 0x100000 + ticks};
    auto hz = tsc_hz_from_readings(start, end, 3'579'545, 24, 200, CounterDirection::Up);
    ASSERT_TRUE(hz.has_value());
    EXPECT_NEAR(static_cast<double>(hz.value()), 2'596'098'000.0, 2'596'098'000.0 * 1e-5);
    // Read as a down-counter, the same readings are a whole wrap minus 20 ms.
    auto wrong = tsc_hz_from_readings(start, end, 3'579'545, 24, 200, CounterDirection::Down);
    ASSERT_TRUE(wrong.has_value());
    EXPECT_LT(wrong.value(), hz.value() / 100);
}

TEST(TscMath, UpCounterWrapIsHandled)
{
    // A 24-bit PM timer passing 0xffffff -> 0 between the readings, and a
    // 32-bit one (TMR_VAL_EXT) doing the same at 2^32.
    uint64_t tsc_interval = 3'000'000'000ull * 0x20 / 3'579'545;
    BracketedReading start24 {0, 100, 0xfffff0};
    BracketedReading end24 {tsc_interval, tsc_interval + 100, 0x000010};
    auto hz = tsc_hz_from_readings(start24, end24, 3'579'545, 24, 1'000'000, CounterDirection::Up);
    ASSERT_TRUE(hz.has_value());
    EXPECT_NEAR(static_cast<double>(hz.value()), 3e9, 3e9 * 0.05);
    BracketedReading start32 {0, 100, 0xfffffff0u};
    BracketedReading end32 {tsc_interval, tsc_interval + 100, 0x10};
    auto hz32
        = tsc_hz_from_readings(start32, end32, 3'579'545, 32, 1'000'000, CounterDirection::Up);
    ASSERT_TRUE(hz32.has_value());
    EXPECT_NEAR(static_cast<double>(hz32.value()), 3e9, 3e9 * 0.05);
}
