#include "core/display/edid.h"

#include <gtest/gtest.h>

#include <array>

#include "support/edid_builder.h"

using namespace rota;

using test_support::make_edid;

TEST(Edid, PreferredModeFromFirstDetailedTiming)
{
    auto edid = make_edid(1280, 800);
    auto mode = edid_preferred_mode(edid);
    ASSERT_TRUE(mode.has_value());
    EXPECT_EQ(mode->width, 1280u);
    EXPECT_EQ(mode->height, 800u);
    auto big = make_edid(3840, 2160);
    EXPECT_EQ(edid_preferred_mode(big)->width, 3840u);
    EXPECT_EQ(edid_preferred_mode(big)->height, 2160u);
}

TEST(Edid, RejectsBadChecksumHeaderAndShortBlocks)
{
    auto edid = make_edid(1024, 768);
    auto bad_sum = edid;
    bad_sum[100] ^= 1;
    EXPECT_FALSE(edid_preferred_mode(bad_sum).has_value());
    auto bad_header = edid;
    bad_header[0] = 1;
    EXPECT_FALSE(edid_preferred_mode(bad_header).has_value());
    EXPECT_FALSE(edid_preferred_mode(std::span(edid.data(), 127)).has_value());
}

TEST(Edid, DisplayDescriptorIsNotATiming)
{
    auto edid = make_edid(1024, 768);
    edid[54] = 0;
    edid[55] = 0;
    uint8_t sum = 0;
    for (int i = 0; i < 127; ++i)
        sum = static_cast<uint8_t>(sum + edid[i]);
    edid[127] = static_cast<uint8_t>(0x100 - sum);
    EXPECT_FALSE(edid_preferred_mode(edid).has_value());
}
