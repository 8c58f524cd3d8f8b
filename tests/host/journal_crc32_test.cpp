// CRC-32 (IEEE 802.3 / zlib) against published check values.

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "journal/crc32.h"

namespace {

uint32_t crc_of(std::string_view text)
{
    return rota::crc32(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

} // namespace

TEST(JournalCrc32, KnownVectors)
{
    EXPECT_EQ(crc_of(""), 0x00000000u);
    EXPECT_EQ(crc_of("a"), 0xe8b7be43u);
    EXPECT_EQ(crc_of("abc"), 0x352441c2u);
    EXPECT_EQ(crc_of("123456789"), 0xcbf43926u); // the catalogue's check value
    EXPECT_EQ(crc_of("The quick brown fox jumps over the lazy dog"), 0x414fa339u);
    std::vector<uint8_t> zeros(32, 0), ones(32, 0xff);
    EXPECT_EQ(rota::crc32(zeros), 0x190a55adu); // as zlib.crc32 computes them
    EXPECT_EQ(rota::crc32(ones), 0xff6cab0bu);
}

TEST(JournalCrc32, UpdateContinuesACrc)
{
    std::string_view text = "The quick brown fox jumps over the lazy dog";
    auto bytes = std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size());
    for (size_t cut = 0; cut <= bytes.size(); ++cut)
        EXPECT_EQ(
            rota::crc32_update(rota::crc32(bytes.first(cut)), bytes.subspan(cut)), 0x414fa339u)
            << cut;
}
