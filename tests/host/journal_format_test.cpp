// The journal's on-disk format (docs/journal.md): byte layout, round
// trips, and that every single-byte corruption of a record or header is seen.

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "journal/crc32.h"
#include "journal/disk_layout.h"
#include "journal/journal_format.h"

using rota::DecodedHeader;
using rota::HeaderCheck;
using rota::JournalGeometry;
using rota::RecordCheck;
using rota::SpinRecord;
using rota::SpinResult;

namespace {

constexpr uint64_t disk_sectors = 131072; // 64 MiB

JournalGeometry geometry(uint32_t block = 512)
{
    JournalGeometry g;
    EXPECT_TRUE(rota::default_geometry(disk_sectors, block, g));
    return g;
}

SpinRecord sample(uint64_t sequence)
{
    return SpinRecord {sequence, 1234567, SpinResult::Win, 7, 432, 601, 16667, 17012};
}

template<class T>
T read_le(const std::vector<uint8_t>& bytes, size_t offset)
{
    T value;
    std::memcpy(&value, bytes.data() + offset, sizeof value);
    return value;
}

} // namespace

TEST(JournalFormat, DefaultGeometryFillsTheRegion)
{
    JournalGeometry g = geometry();
    EXPECT_EQ(g.record_bytes, 512u);
    EXPECT_EQ(g.area_start, 8u);
    EXPECT_EQ(g.record_count, 2040u);
    EXPECT_EQ(g.region_sectors, 2048u);
    EXPECT_EQ(g.slot_sector(0), 8u);
    EXPECT_EQ(g.slot_sector(2039), 2047u);
    EXPECT_EQ(g.slot_of(1), 0u);
    EXPECT_EQ(g.slot_of(2040), 2039u);
    EXPECT_EQ(g.slot_of(2041), 0u); // wraps: the oldest goes first

    JournalGeometry big = geometry(4096); // a slot per device block
    EXPECT_EQ(big.record_bytes, 4096u);
    EXPECT_EQ(big.record_count, 255u);
    EXPECT_EQ(big.slot_sector(1), 16u);
    EXPECT_EQ(geometry(65536).record_bytes, 4096u); // capped

    JournalGeometry small;
    EXPECT_FALSE(rota::default_geometry(2047, 512, small));
    EXPECT_TRUE(rota::default_geometry(2048, 512, small));
}

TEST(JournalFormat, HeaderBytesFollowTheDocument)
{
    std::vector<uint8_t> sector(512, 0xee);
    rota::encode_header(geometry(), sector);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(sector.data()), 8), "ROTAJRNL");
    EXPECT_EQ(read_le<uint32_t>(sector, 8), 1u); // version
    EXPECT_EQ(read_le<uint32_t>(sector, 12), 64u); // header_bytes
    EXPECT_EQ(read_le<uint32_t>(sector, 16), 512u); // sector_bytes
    EXPECT_EQ(read_le<uint32_t>(sector, 20), 512u); // record_bytes
    EXPECT_EQ(read_le<uint64_t>(sector, 24), 8u); // area_start
    EXPECT_EQ(read_le<uint32_t>(sector, 32), 2040u); // record_count
    EXPECT_EQ(read_le<uint32_t>(sector, 36), 2048u); // region_sectors
    EXPECT_EQ(read_le<uint32_t>(sector, 60), rota::crc32(std::span(sector).first(60)));
    for (size_t i = 40; i < 60; ++i)
        EXPECT_EQ(sector[i], 0) << i;
    for (size_t i = 64; i < 512; ++i)
        ASSERT_EQ(sector[i], 0) << i;

    DecodedHeader decoded = rota::decode_header(sector, disk_sectors);
    EXPECT_EQ(decoded.check, HeaderCheck::Valid);
    EXPECT_EQ(decoded.geometry.record_count, 2040u);
    EXPECT_EQ(decoded.geometry.region_sectors, 2048u);
}

TEST(JournalFormat, EveryHeaderByteIsProtected)
{
    std::vector<uint8_t> sector(512);
    rota::encode_header(geometry(), sector);
    for (size_t i = 0; i < 64; ++i) {
        for (int bit = 0; bit < 8; ++bit) {
            std::vector<uint8_t> bad = sector;
            bad[i] ^= uint8_t(1 << bit);
            HeaderCheck check = rota::decode_header(bad, disk_sectors).check;
            // Damage to the magic makes it "not ours"; anywhere else the CRC sees it.
            EXPECT_EQ(check, i < 8 ? HeaderCheck::NoMagic : HeaderCheck::BadCrc) << i << ":" << bit;
        }
    }
}

TEST(JournalFormat, IntactHeadersWithOtherNumbersAreRefused)
{
    auto reencoded = [](auto mutate) {
        std::vector<uint8_t> sector(512);
        rota::encode_header(geometry(), sector);
        mutate(sector);
        uint32_t crc = rota::crc32(std::span(sector).first(60));
        std::memcpy(sector.data() + 60, &crc, 4);
        return sector;
    };
    auto version2 = reencoded([](auto& s) { s[8] = 2; });
    DecodedHeader d = rota::decode_header(version2, disk_sectors);
    EXPECT_EQ(d.check, HeaderCheck::BadVersion);
    EXPECT_EQ(d.version, 2u);
    EXPECT_EQ(rota::decode_header(reencoded([](auto& s) {
        s[20] = 0;
        s[21] = 3;
    }),
                  disk_sectors)
                  .check,
        HeaderCheck::BadGeometry); // record_bytes 768
    EXPECT_EQ(rota::decode_header(reencoded([](auto& s) {
        s[32] = 1;
        s[33] = 0;
    }),
                  disk_sectors)
                  .check,
        HeaderCheck::BadGeometry); // record_count 1 and a region that does not add up
    EXPECT_EQ(rota::decode_header(reencoded([](auto& s) { s[45] = 1; }), disk_sectors).check,
        HeaderCheck::BadGeometry); // reserved byte
    std::vector<uint8_t> good(512);
    rota::encode_header(geometry(), good);
    EXPECT_EQ(rota::decode_header(good, 2047).check, HeaderCheck::BadGeometry); // disk shrank
}

TEST(JournalFormat, RecordRoundTripAndLayout)
{
    JournalGeometry g = geometry();
    std::vector<uint8_t> slot(512, 0xcc);
    rota::encode_record(sample(42), slot);
    EXPECT_EQ(read_le<uint32_t>(slot, 0), 0x4e495053u);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(slot.data()), 4), "SPIN");
    EXPECT_EQ(read_le<uint16_t>(slot, 4), 1u);
    EXPECT_EQ(read_le<uint16_t>(slot, 6), 64u);
    EXPECT_EQ(read_le<uint64_t>(slot, 8), 42u);
    EXPECT_EQ(read_le<uint32_t>(slot, 16), 1234567u);
    EXPECT_EQ(slot[20], 2); // win
    EXPECT_EQ(slot[21], 7);
    EXPECT_EQ(read_le<uint32_t>(slot, 24), 432u);
    EXPECT_EQ(read_le<uint32_t>(slot, 28), 601u);
    EXPECT_EQ(read_le<uint32_t>(slot, 32), 16667u);
    EXPECT_EQ(read_le<uint32_t>(slot, 36), 17012u);
    EXPECT_EQ(read_le<uint32_t>(slot, 60), rota::crc32(std::span(slot).first(60)));
    for (size_t i = 64; i < 512; ++i)
        ASSERT_EQ(slot[i], 0) << i;

    SpinRecord out;
    ASSERT_EQ(rota::decode_record(slot, g.slot_of(42), g, out), RecordCheck::Valid);
    EXPECT_EQ(out.sequence, 42u);
    EXPECT_EQ(out.fate, 1234567u);
    EXPECT_EQ(out.result, SpinResult::Win);
    EXPECT_EQ(out.wedge, 7);
    EXPECT_EQ(out.frames, 432u);
    EXPECT_EQ(out.fps_x10, 601u);
    EXPECT_EQ(out.p50_us, 16667u);
    EXPECT_EQ(out.p99_us, 17012u);

    char line[160];
    rota::format_record_fields(out, line, sizeof line);
    EXPECT_STREQ(line,
        "seq=42 fate=1234567 result=win wedge=7 frames=432 fps=60.1 p50_us=16667 p99_us=17012");
}

TEST(JournalFormat, EverySingleByteCorruptionOfARecordIsDetected)
{
    JournalGeometry g = geometry();
    std::vector<uint8_t> slot(512);
    rota::encode_record(sample(5), slot);
    SpinRecord out;
    size_t cases = 0;
    for (size_t i = 0; i < slot.size(); ++i) {
        // Every other value in the record; a sample of values in the padding.
        for (int x = 1; x < 256; x += i < 64 ? 1 : 51) {
            std::vector<uint8_t> bad = slot;
            bad[i] ^= uint8_t(x);
            RecordCheck check = rota::decode_record(bad, g.slot_of(5), g, out);
            ASSERT_NE(check, RecordCheck::Valid) << "byte " << i << " xor " << x;
            ASSERT_NE(check, RecordCheck::Empty) << "byte " << i << " xor " << x;
            ++cases;
        }
    }
    EXPECT_GT(cases, 64u * 255u);
}

TEST(JournalFormat, TornRecordIsDetected)
{
    JournalGeometry g = geometry();
    std::vector<uint8_t> old_slot(512), new_slot(512);
    rota::encode_record(sample(1), old_slot);
    SpinRecord newer = sample(2041); // the same slot, after a wrap
    newer.fate = 99;
    rota::encode_record(newer, new_slot);
    SpinRecord out;
    const std::vector<uint8_t> blank(512, 0);
    for (size_t cut = 1; cut < 64; ++cut) {
        for (const std::vector<uint8_t>* before :
            std::vector<const std::vector<uint8_t>*> {&old_slot, &blank}) {
            std::vector<uint8_t> torn = *before;
            std::memcpy(torn.data(), new_slot.data(), cut);
            RecordCheck check = rota::decode_record(torn, 0, g, out);
            if (torn == old_slot) {
                // The tear ended before the first byte that differs: the old
                // record is intact and still counts.
                EXPECT_EQ(check, RecordCheck::Valid) << cut;
                EXPECT_EQ(out.sequence, 1u);
                continue;
            }
            EXPECT_NE(check, RecordCheck::Valid) << cut;
            EXPECT_NE(check, RecordCheck::Empty) << cut;
        }
    }
}

TEST(JournalFormat, FieldChecksAndPlacement)
{
    JournalGeometry g = geometry();
    std::vector<uint8_t> slot(512);
    SpinRecord out;
    EXPECT_EQ(rota::decode_record(slot, 0, g, out), RecordCheck::Empty);
    rota::encode_record(sample(3), slot);
    EXPECT_EQ(
        rota::decode_record(slot, 3, g, out), RecordCheck::Misplaced); // seq 3 lives in slot 2
    SpinRecord zero_seq = sample(0);
    rota::encode_record(zero_seq, slot);
    EXPECT_EQ(rota::decode_record(slot, 0, g, out), RecordCheck::BadField);
    SpinRecord wedge = sample(1);
    wedge.wedge = 12;
    rota::encode_record(wedge, slot);
    EXPECT_EQ(rota::decode_record(slot, 0, g, out), RecordCheck::BadField);
    SpinRecord result = sample(1);
    result.result = SpinResult(0);
    rota::encode_record(result, slot);
    EXPECT_EQ(rota::decode_record(slot, 0, g, out), RecordCheck::BadField);
    rota::encode_record(sample(1), slot);
    slot[300] = 1;
    EXPECT_EQ(rota::decode_record(slot, 0, g, out), RecordCheck::BadPadding);
}

TEST(JournalFormat, ForeignContentIsNamed)
{
    std::vector<uint8_t> start(4096, 0);
    EXPECT_STREQ(rota::describe_foreign_content(start), "data that is not a journal");
    auto with = [&](size_t offset, const char* text) {
        std::vector<uint8_t> s = start;
        std::memcpy(s.data() + offset, text, std::strlen(text));
        return s;
    };
    EXPECT_STREQ(rota::describe_foreign_content(with(0x52, "FAT32   ")), "a FAT file system");
    EXPECT_STREQ(rota::describe_foreign_content(with(0x36, "FAT16   ")), "a FAT file system");
    EXPECT_STREQ(rota::describe_foreign_content(with(512, "EFI PART")), "a GPT partition table");
    EXPECT_STREQ(rota::describe_foreign_content(with(1080, "\x53\xef")), "an ext2/3/4 file system");
    EXPECT_STREQ(rota::describe_foreign_content(with(510, "\x55\xaa")),
        "an MBR partition table or boot sector");
}

// The widest geometry the format allows is valid; one
// slot more cannot add up within the region.
TEST(JournalFormat, WidestGeometryIsValidAndNoWider)
{
    auto header = [](uint32_t record_bytes, uint64_t area_start, uint32_t count, uint32_t region) {
        JournalGeometry g;
        g.record_bytes = record_bytes;
        g.area_start = area_start;
        g.record_count = count;
        g.region_sectors = region;
        std::vector<uint8_t> sector(512);
        rota::encode_header(g, sector);
        return rota::decode_header(sector, disk_sectors);
    };
    DecodedHeader widest = header(512, 1, 2047, 2048);
    EXPECT_EQ(widest.check, HeaderCheck::Valid);
    EXPECT_EQ(widest.geometry.record_count, rota::max_record_slots);
    EXPECT_EQ(header(512, 1, 2048, 2049).check, HeaderCheck::BadGeometry); // past the region
    EXPECT_EQ(header(512, 0, 2048, 2048).check, HeaderCheck::BadGeometry); // over the header
    EXPECT_EQ(header(1024, 1, 2047, 4095).check, HeaderCheck::BadGeometry);
    EXPECT_EQ(header(512, 1, 0xffffffffu, 0).check, HeaderCheck::BadGeometry); // wraps 32 bits
}
