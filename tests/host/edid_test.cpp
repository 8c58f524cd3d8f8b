#include "core/display/edid.h"

#include <gtest/gtest.h>

#include <array>

using namespace rota;

namespace {

// A minimal EDID 1.4 base block with one detailed timing, checksum fixed up.
std::array<uint8_t, 128> make_edid(uint32_t width, uint32_t height)
{
    std::array<uint8_t, 128> edid {};
    const uint8_t header[8] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
    for (int i = 0; i < 8; ++i)
        edid[i] = header[i];
    edid[18] = 1;
    edid[19] = 4;
    uint8_t* d = &edid[54];
    d[0] = 0x64; // pixel clock, non-zero
    d[1] = 0x19;
    d[2] = width & 0xff;
    d[4] = static_cast<uint8_t>((width >> 8) << 4);
    d[5] = height & 0xff;
    d[7] = static_cast<uint8_t>((height >> 8) << 4);
    uint8_t sum = 0;
    for (int i = 0; i < 127; ++i)
        sum = static_cast<uint8_t>(sum + edid[i]);
    edid[127] = static_cast<uint8_t>(0x100 - sum);
    return edid;
}

} // namespace

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
