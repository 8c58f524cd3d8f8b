#include "core/lib/ucs2.h"

#include <gtest/gtest.h>

#include <string>

using namespace rota;

TEST(Ucs2, StrictConvertsText)
{
    const uint16_t text[] = {'f', 'p', 's', '=', '0', ' ', 'x', 0, 'y'};
    char out[16];
    auto length = ucs2_to_ascii_strict(text, 9, out, sizeof out);
    ASSERT_TRUE(length.has_value());
    EXPECT_EQ(length.value(), 7u);
    EXPECT_EQ(std::string(out), "fps=0 x");
}

TEST(Ucs2, StrictRefusesBinary)
{
    const uint16_t blob[] = {'a', 0x0102, 'b'};
    char out[16];
    auto length = ucs2_to_ascii_strict(blob, 3, out, sizeof out);
    ASSERT_TRUE(length.is_error());
    EXPECT_EQ(length.error(), Error::Corrupt);
    EXPECT_EQ(out[0], '\0');
}

TEST(Ucs2, StrictTruncatesToCapacity)
{
    const uint16_t text[] = {'a', 'b', 'c', 'd', 'e'};
    char out[4];
    auto length = ucs2_to_ascii_strict(text, 5, out, sizeof out);
    ASSERT_TRUE(length.has_value());
    EXPECT_EQ(std::string(out), "abc");
}

TEST(Ucs2, LossyReplacesWhatItCannotShow)
{
    const uint16_t vendor[] = {'E', 'D', 'K', ' ', 0x00e9, '"', 'I', 0};
    char out[16];
    EXPECT_EQ(ucs2_to_ascii_lossy(vendor, 16, out, sizeof out), 7u);
    EXPECT_EQ(std::string(out), "EDK ??I");
}
