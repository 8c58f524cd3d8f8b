#include "core/lib/parse_number.h"

#include <gtest/gtest.h>

#include <cstdint>

using rota::parse_decimal;
using rota::parse_number;

namespace {

// The value, or -1 when it is refused (every value tested here fits in int64_t).
int64_t decimal(std::string_view text)
{
    auto parsed = parse_decimal(text);
    return parsed.has_value() ? int64_t(parsed.value()) : -1;
}

} // namespace

TEST(ParseNumber, DecimalDigitsOnly)
{
    EXPECT_EQ(decimal("0"), 0);
    EXPECT_EQ(decimal("600"), 600);
    EXPECT_EQ(decimal("007"), 7);
    for (const char* bad : {"", " 1", "1 ", "+1", "-1", "1.0", "0x10", "12abc", "١"})
        EXPECT_EQ(decimal(bad), -1) << bad;
}

TEST(ParseNumber, DecimalStopsExactlyAtTheTop)
{
    auto top = parse_decimal("18446744073709551615");
    ASSERT_TRUE(top.has_value());
    EXPECT_EQ(top.value(), UINT64_MAX);
    EXPECT_TRUE(parse_decimal("18446744073709551616").is_error());
    EXPECT_TRUE(parse_decimal("18446744073709551620").is_error());
    EXPECT_TRUE(parse_decimal("99999999999999999999999").is_error());
    auto zeros = parse_decimal("00000000000000000000000000000042");
    ASSERT_TRUE(zeros.has_value());
    EXPECT_EQ(zeros.value(), 42u);
}

TEST(ParseNumber, HexadecimalAfterZeroX)
{
    auto lower = parse_number("0xdeadbeef");
    ASSERT_TRUE(lower.has_value());
    EXPECT_EQ(lower.value(), 0xdeadbeefu);
    auto mixed = parse_number("0XDeAdBeEf");
    ASSERT_TRUE(mixed.has_value());
    EXPECT_EQ(mixed.value(), 0xdeadbeefu);
    auto top = parse_number("0xffffffffffffffff");
    ASSERT_TRUE(top.has_value());
    EXPECT_EQ(top.value(), UINT64_MAX);
    auto padded = parse_number("0x0000000000000000001");
    ASSERT_TRUE(padded.has_value());
    EXPECT_EQ(padded.value(), 1u);
    auto plain = parse_number("42");
    ASSERT_TRUE(plain.has_value());
    EXPECT_EQ(plain.value(), 42u);
    for (const char* bad : {"0x", "0x1ffffffffffffffff", "0xg", "0x 1", "x10", "0x-1", "ff"})
        EXPECT_TRUE(parse_number(bad).is_error()) << bad;
}
