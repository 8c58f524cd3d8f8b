#include "gfx/text/font.h"

#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>

using namespace rota;

namespace {

// The first and one-past-last rows with ink, or {16, 0} for none.
std::pair<int, int> ink_rows(char c)
{
    const uint8_t* rows = font_glyph(c);
    int first = font_cell_height, last = 0;
    for (int r = 0; r < font_cell_height; ++r) {
        if (rows[r] != 0) {
            first = std::min(first, r);
            last = r + 1;
        }
    }
    return {first, last};
}

} // namespace

TEST(Font, EveryPrintableGlyphHasInkExceptSpace)
{
    for (int c = 32; c <= 126; ++c) {
        auto [first, last] = ink_rows(static_cast<char>(c));
        if (c == ' ')
            EXPECT_EQ(last, 0);
        else
            EXPECT_LT(first, last) << "glyph '" << char(c) << "' is empty";
    }
    auto [first, last] = ink_rows('\x7f');
    EXPECT_LT(first, last) << "replacement glyph";
}

TEST(Font, GlyphIndexCoversAsciiAndReplacesTheRest)
{
    EXPECT_EQ(font_glyph_index(' '), 0u);
    EXPECT_EQ(font_glyph_index('~'), 94u);
    EXPECT_EQ(font_glyph_index('\n'), font_replacement_index);
    EXPECT_EQ(font_glyph_index('\x7f'), font_replacement_index);
    EXPECT_EQ(font_glyph_index(static_cast<char>(0xe9)), font_replacement_index);
    EXPECT_EQ(font_glyph('A'), font_glyph_rows[33]);
}

TEST(Font, ColumnSevenIsTheLetterGap)
{
    for (size_t g = 0; g < font_glyph_count; ++g)
        for (int r = 0; r < font_cell_height; ++r)
            EXPECT_EQ(font_glyph_rows[g][r] & 1, 0) << "glyph " << g << " row " << r;
}

TEST(Font, NoTwoGlyphsAreTheSame)
{
    std::set<std::string> seen;
    for (size_t g = 0; g < font_glyph_count; ++g)
        EXPECT_TRUE(
            seen.insert(std::string(reinterpret_cast<const char*>(font_glyph_rows[g]), 16)).second)
            << "glyph " << g;
}

TEST(Font, CapitalsAndDigitsShareCapHeightAndBaseline)
{
    for (char c : std::string("ABCDEFGHIJKLMNOPRSTUVWXYZ0123456789")) {
        auto [first, last] = ink_rows(c);
        EXPECT_EQ(first, font_cap_top) << c;
        EXPECT_EQ(last, font_baseline) << c;
    }
    EXPECT_GT(ink_rows('Q').second, font_baseline); // its tail crosses the baseline
}

TEST(Font, LowerCaseSitsOnTheBaselineWithDescendersBelow)
{
    for (char c : std::string("acemnorsuvwxz")) {
        auto [first, last] = ink_rows(c);
        EXPECT_EQ(first, font_x_height_top) << c;
        EXPECT_EQ(last, font_baseline) << c;
    }
    for (char c : std::string("bdhkl")) {
        auto [first, last] = ink_rows(c);
        EXPECT_EQ(first, font_cap_top) << c;
        EXPECT_EQ(last, font_baseline) << c;
    }
    for (char c : std::string("gjpqy")) {
        EXPECT_EQ(ink_rows(c).second, font_cell_height) << c << " has a full descender";
        EXPECT_GE(ink_rows(c).first, font_cap_top) << c;
    }
}

TEST(Font, StemsAreTwoPixelsWide)
{
    // The left stem of these letters, on a row in the middle of the stem.
    for (char c : std::string("BDEFHKLNPRbhkmnpr")) {
        uint8_t row = font_glyph(c)[10];
        EXPECT_EQ(row & 0xe0, 0xc0) << c;
    }
}
