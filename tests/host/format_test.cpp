#include "core/lib/format.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

// Two tests hand format() what its printf attribute rejects (a null %s, an
// unknown conversion) on purpose, to check that it copes.
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-overflow"

using rota::format;

namespace {

std::string fmt_to_string(const char* text)
{
    return text;
}

} // namespace

TEST(Format, IntegersInEveryBase)
{
    char buffer[64];
    format(buffer, sizeof buffer, "%d %i %u %x %X", -42, 7, 4000000000u, 0xbeefu, 0xbeefu);
    EXPECT_EQ(fmt_to_string(buffer), "-42 7 4000000000 beef BEEF");
}

TEST(Format, LengthModifiersAndExtremes)
{
    char buffer[128];
    format(buffer, sizeof buffer, "%lld %llu %lx %zu", static_cast<long long>(INT64_MIN),
        static_cast<unsigned long long>(UINT64_MAX), 0xffffffff00000000ul, static_cast<size_t>(12));
    EXPECT_EQ(
        fmt_to_string(buffer), "-9223372036854775808 18446744073709551615 ffffffff00000000 12");
}

TEST(Format, WidthZeroPaddingAndLeftAlignment)
{
    char buffer[64];
    format(buffer, sizeof buffer, "[%5d][%-5d][%05d][%016lx][%05d]", 42, 42, 42, 0x1234ul, -42);
    EXPECT_EQ(fmt_to_string(buffer), "[   42][42   ][00042][0000000000001234][-0042]");
}

TEST(Format, StringsCharactersAndPrecision)
{
    char buffer[64];
    format(buffer, sizeof buffer, "%s|%.3s|%6s|%-4s|%c|%%|%s", "abc", "abcdef", "ab", "x", 'z',
        static_cast<const char*>(nullptr));
    EXPECT_EQ(fmt_to_string(buffer), "abc|abc|    ab|x   |z|%|(null)");
}

TEST(Format, PointerIsHexWithPrefix)
{
    char buffer[64];
    format(buffer, sizeof buffer, "%p", reinterpret_cast<void*>(0xc0000000ul));
    EXPECT_EQ(fmt_to_string(buffer), "0xc0000000");
}

TEST(Format, TruncatesAndAlwaysTerminates)
{
    char buffer[8];
    size_t length = format(buffer, sizeof buffer, "%s", "0123456789");
    EXPECT_EQ(length, 7u);
    EXPECT_EQ(fmt_to_string(buffer), "0123456");
}

TEST(Format, ZeroCapacityWritesNothing)
{
    char guard = 'G';
    EXPECT_EQ(format(&guard, 0, "%d", 5), 0u);
    EXPECT_EQ(guard, 'G');
}

TEST(Format, UnknownConversionIsPrintedVerbatim)
{
    char buffer[32];
    format(buffer, sizeof buffer, "a%qb");
    EXPECT_EQ(fmt_to_string(buffer), "a%qb");
}
