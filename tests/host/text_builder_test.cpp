#include "core/lib/text_builder.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

using namespace std::string_view_literals;
using rota::TextBuilder;

TEST(TextBuilder, AppendsCharactersTextAndFormattedNumbers)
{
    char buffer[64];
    TextBuilder out(buffer, sizeof buffer);
    EXPECT_STREQ(out.text(), "");
    out.append('[');
    out.append("config"sv);
    out.append(']');
    out.appendf(" frames=%lu seed=0x%x", 600ul, 0xbeefu);
    EXPECT_STREQ(buffer, "[config] frames=600 seed=0xbeef");
    EXPECT_EQ(out.length(), std::strlen(buffer));
    EXPECT_EQ(out.text(), buffer);
}

TEST(TextBuilder, CutsWhatDoesNotFitAndStaysTerminated)
{
    char buffer[16];
    std::memset(buffer, 'Z', sizeof buffer);
    TextBuilder out(buffer, 8);
    out.append("abcde"sv);
    out.appendf("%d", 12345);
    EXPECT_STREQ(buffer, "abcde12");
    EXPECT_EQ(out.length(), 7u);
    // Once full, nothing more goes in, however it is appended.
    out.append('x');
    out.append("yz"sv);
    out.appendf("%s", "more");
    EXPECT_STREQ(buffer, "abcde12");
    EXPECT_EQ(out.length(), 7u);
    EXPECT_EQ(buffer[8], 'Z'); // nothing past the capacity
}

TEST(TextBuilder, CapacityOneHoldsOnlyTheTerminator)
{
    char buffer[2] = {'Z', 'Z'};
    TextBuilder out(buffer, 1);
    out.append("abc"sv);
    out.appendf("%d", 7);
    EXPECT_EQ(buffer[0], '\0');
    EXPECT_EQ(buffer[1], 'Z');
    EXPECT_EQ(out.length(), 0u);
}

TEST(TextBuilder, CapacityZeroWritesNothing)
{
    char guard = 'G';
    TextBuilder out(&guard, 0);
    out.append('a');
    out.append("bc"sv);
    out.appendf("%d", 1);
    EXPECT_EQ(guard, 'G');
    EXPECT_EQ(out.length(), 0u);
    EXPECT_STREQ(out.text(), "");
}
