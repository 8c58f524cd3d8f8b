// The spin journal on a disk in memory: what it formats and what it never
// touches, replay after a reboot, corrupt and torn records, wrap-around,
// read-only disks, damaged headers and failing disks.

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "journal/crc32.h"
#include "journal/journal.h"
#include "journal_test_support.h"
#include "support/recording_sink.h"

using journal_test::MemoryDisk;
using rota::Error;
using rota::Journal;
using rota::JournalMode;
using rota::SpinRecord;
using rota::SpinResult;
using rota_test::RecordingSink;

namespace {

constexpr uint64_t disk_sectors = 131072; // 64 MiB, as the tests' images

SpinRecord spin(uint32_t fate)
{
    return SpinRecord {0, fate, fate % 2 ? SpinResult::Win : SpinResult::Lose, uint8_t(fate % 12),
        432, 600, 16667, 17000};
}

// One boot: a fresh Journal object over the same disk.
struct Boot {
    explicit Boot(MemoryDisk& disk, size_t scratch_bytes = 64 * 1024)
        : scratch(scratch_bytes)
        , journal(disk, sink, scratch)
    {
        journal.open();
    }
    RecordingSink sink;
    std::vector<uint8_t> scratch;
    Journal journal;
};

std::vector<uint64_t> recent_sequences(const Journal& journal)
{
    std::vector<SpinRecord> out(Journal::recent_capacity);
    out.resize(journal.recent(out));
    std::vector<uint64_t> sequences;
    for (const SpinRecord& r : out)
        sequences.push_back(r.sequence);
    return sequences;
}

uint64_t slot_offset(const Journal& journal, uint32_t slot)
{
    return journal.geometry().slot_sector(slot) * 512;
}

} // namespace

TEST(Journal, BlankDiskIsFormattedAndRecordsSurviveAReboot)
{
    MemoryDisk disk(disk_sectors);
    {
        Boot first(disk);
        EXPECT_EQ(first.journal.mode(), JournalMode::ReadWrite);
        EXPECT_TRUE(first.sink.contains("[journal] formatted a blank disk: slots=2040"));
        EXPECT_TRUE(first.sink.contains("[journal] records=0 last_seq=0 corrupt=0"))
            << first.sink.all();
        EXPECT_EQ(std::memcmp(disk.bytes.data(), "ROTAJRNL", 8), 0);
        for (uint32_t i = 0; i < 12; ++i) {
            int flushes = disk.flushes;
            auto sequence = first.journal.append(spin(100 + i));
            ASSERT_TRUE(sequence.has_value());
            EXPECT_EQ(sequence.value(), i + 1);
            EXPECT_EQ(disk.flushes, flushes + 1); // written and flushed before returning
            EXPECT_FALSE(disk.unflushed);
        }
    }
    Boot second(disk);
    EXPECT_EQ(second.journal.mode(), JournalMode::ReadWrite);
    EXPECT_FALSE(second.sink.contains("formatted"));
    EXPECT_TRUE(second.sink.contains("[journal] records=12 last_seq=12 corrupt=0"))
        << second.sink.all();
    std::vector<SpinRecord> out(4);
    ASSERT_EQ(second.journal.recent(out), 4u);
    EXPECT_EQ(out[0].sequence, 12u); // newest first
    EXPECT_EQ(out[0].fate, 111u);
    EXPECT_EQ(out[3].sequence, 9u);
    EXPECT_EQ(second.journal.append(spin(7)).value(), 13u);
}

TEST(Journal, NothingOutsideTheRegionIsWritten)
{
    MemoryDisk disk(disk_sectors);
    std::fill(disk.bytes.begin() + 2048 * 512, disk.bytes.end(), 0x5a); // data after the region
    Boot boot(disk);
    for (uint32_t i = 0; i < 2100; ++i)
        ASSERT_TRUE(boot.journal.append(spin(i)).has_value());
    for (size_t i = 2048 * 512; i < disk.bytes.size(); ++i)
        ASSERT_EQ(disk.bytes[i], 0x5a) << i;
}

TEST(Journal, CorruptRecordIsReportedAndItsNeighboursKept)
{
    MemoryDisk disk(disk_sectors);
    {
        Boot first(disk);
        for (uint32_t i = 0; i < 5; ++i)
            ASSERT_TRUE(first.journal.append(spin(i)).has_value());
    }
    {
        Boot probe(disk);
        disk.bytes[slot_offset(probe.journal, 2) + 17] ^= 0x40; // seq 3's fate
    }
    Boot second(disk);
    EXPECT_TRUE(
        second.sink.contains("[journal] corrupt record slot=2 sector=10 reason=crc: skipped"))
        << second.sink.all();
    EXPECT_TRUE(second.sink.contains("[journal] records=4 last_seq=5 corrupt=1"))
        << second.sink.all();
    EXPECT_EQ(recent_sequences(second.journal), (std::vector<uint64_t> {5, 4, 2, 1}));
    // The next record goes after the newest, not into the hole.
    EXPECT_EQ(second.journal.append(spin(9)).value(), 6u);
    EXPECT_EQ(second.journal.corrupt(), 1u);
}

TEST(Journal, TornAppendIsSkippedAndItsSequenceReused)
{
    MemoryDisk disk(disk_sectors);
    {
        Boot first(disk);
        for (uint32_t i = 0; i < 3; ++i)
            ASSERT_TRUE(first.journal.append(spin(i)).has_value());
        disk.tear_next_write = true;
        auto torn = first.journal.append(spin(77));
        ASSERT_TRUE(torn.is_error());
        EXPECT_TRUE(first.sink.contains("[journal] append seq=4 slot=3 failed (device-error)"));
        EXPECT_EQ(first.journal.last_sequence(), 3u);
    }
    Boot second(disk);
    EXPECT_TRUE(second.sink.contains("records=3 last_seq=3 corrupt=1")) << second.sink.all();
    EXPECT_EQ(second.journal.append(spin(78)).value(), 4u); // overwrites the torn slot
    EXPECT_EQ(second.journal.corrupt(), 0u);
    EXPECT_EQ(second.journal.records(), 4u);
    Boot third(disk);
    EXPECT_TRUE(third.sink.contains("records=4 last_seq=4 corrupt=0")) << third.sink.all();
}

TEST(Journal, WriteThatFailsAfterTheWholeRecordLandedKeepsIt)
{
    MemoryDisk disk(disk_sectors);
    Boot first(disk);
    ASSERT_TRUE(first.journal.append(spin(1)).has_value());
    disk.tear_next_write = true;
    disk.tear_bytes = 256; // the record (64 bytes) and some padding reached the disk
    ASSERT_TRUE(first.journal.append(spin(2)).is_error());
    Boot second(disk);
    // The record is complete, so it counts; this boot's next append follows it.
    EXPECT_TRUE(second.sink.contains("records=2 last_seq=2 corrupt=0")) << second.sink.all();
}

// Found by tests/fuzz/targets/journal_replay.cpp's check that an acknowledged
// append is found again: after a record with the last sequence number the
// format allows, append wrote seq 2^63, which decode_record refuses, so the
// next boot lost it and counted its slot as corrupt.
TEST(Journal, AppendPastTheLastSequenceNumberIsRefused)
{
    MemoryDisk disk(disk_sectors);
    {
        Boot format(disk);
        ASSERT_EQ(format.journal.mode(), JournalMode::ReadWrite);
    }
    SpinRecord last = spin(5);
    last.sequence = rota::max_sequence;
    rota::JournalGeometry geometry;
    ASSERT_TRUE(rota::default_geometry(disk_sectors, 512, geometry));
    uint32_t slot = geometry.slot_of(last.sequence);
    rota::encode_record(last,
        std::span(disk.bytes).subspan(geometry.slot_sector(slot) * 512, geometry.record_bytes));

    Boot first(disk);
    ASSERT_EQ(first.journal.last_sequence(), rota::max_sequence) << first.sink.all();
    int writes = disk.writes;
    EXPECT_TRUE(first.journal.append(spin(6)).is_error());
    EXPECT_EQ(disk.writes, writes);
    EXPECT_TRUE(first.sink.contains("sequence numbers")) << first.sink.all();
    Boot second(disk);
    EXPECT_EQ(second.journal.last_sequence(), rota::max_sequence);
    EXPECT_EQ(second.journal.corrupt(), 0u) << second.sink.all();
}

TEST(Journal, FullAreaWrapsOldestFirst)
{
    MemoryDisk disk(disk_sectors);
    const uint32_t slots = 2040;
    {
        Boot first(disk);
        for (uint32_t i = 0; i < slots + 5; ++i)
            ASSERT_TRUE(first.journal.append(spin(i)).has_value());
        EXPECT_EQ(first.journal.records(), slots);
    }
    Boot second(disk);
    EXPECT_TRUE(second.sink.contains("records=2040 last_seq=2045 corrupt=0")) << second.sink.all();
    // Slot 0 now holds seq 2041: replay orders by sequence, not position.
    auto sequences = recent_sequences(second.journal);
    ASSERT_EQ(sequences.size(), Journal::recent_capacity);
    for (size_t i = 0; i < sequences.size(); ++i)
        EXPECT_EQ(sequences[i], 2045 - i);
    SpinRecord record;
    std::vector<uint8_t> slot0(disk.bytes.begin() + long(slot_offset(second.journal, 0)),
        disk.bytes.begin() + long(slot_offset(second.journal, 0)) + 512);
    ASSERT_EQ(
        rota::decode_record(slot0, 0, second.journal.geometry(), record), rota::RecordCheck::Valid);
    EXPECT_EQ(record.sequence, 2041u);
    std::vector<uint8_t> slot5(disk.bytes.begin() + long(slot_offset(second.journal, 5)),
        disk.bytes.begin() + long(slot_offset(second.journal, 5)) + 512);
    ASSERT_EQ(
        rota::decode_record(slot5, 5, second.journal.geometry(), record), rota::RecordCheck::Valid);
    EXPECT_EQ(record.sequence, 6u); // the oldest left
}

TEST(Journal, LargeBlocksGetOneSlotEach)
{
    MemoryDisk disk(disk_sectors, 4096);
    Boot first(disk, 4096);
    EXPECT_EQ(first.journal.geometry().record_bytes, 4096u);
    for (uint32_t i = 0; i < 300; ++i)
        ASSERT_TRUE(first.journal.append(spin(i)).has_value());
    Boot second(disk, 4096);
    EXPECT_TRUE(second.sink.contains("records=255 last_seq=300 corrupt=0")) << second.sink.all();
    EXPECT_EQ(second.journal.append(spin(1)).value(), 301u);
}

TEST(Journal, SlotsSmallerThanTheDeviceBlockAreReadOnly)
{
    MemoryDisk disk(disk_sectors, 512);
    {
        Boot first(disk);
        ASSERT_TRUE(first.journal.append(spin(1)).has_value());
    }
    disk.block = 4096; // the same image behind a device with 4 KiB blocks
    Boot second(disk);
    EXPECT_EQ(second.journal.mode(), JournalMode::ReadOnly);
    EXPECT_TRUE(
        second.sink.contains("records of 512 bytes are smaller than the device's 4096-byte"))
        << second.sink.all();
    EXPECT_TRUE(second.sink.contains("records=1 last_seq=1 corrupt=0 mode=read-only"));
    EXPECT_EQ(second.journal.append(spin(2)).error(), Error::ReadOnly);
}

TEST(Journal, ForeignContentIsNeverTouched)
{
    struct Case {
        const char* name;
        size_t offset;
        std::vector<uint8_t> bytes;
        const char* said;
    };
    std::mt19937 random(1);
    std::vector<uint8_t> noise(4096);
    for (auto& b : noise)
        b = uint8_t(random());
    Case cases[] = {
        {"fat32", 0x52, {'F', 'A', 'T', '3', '2', ' ', ' ', ' '}, "a FAT file system"},
        {"mbr", 510, {0x55, 0xaa}, "an MBR partition table or boot sector"},
        {"gpt", 512, {'E', 'F', 'I', ' ', 'P', 'A', 'R', 'T'}, "a GPT partition table"},
        {"noise", 0, noise, "data that is not a journal"},
        {"one byte deep in the region", 2047 * 512 + 100, {1}, "data that is not a journal"},
    };
    for (const Case& c : cases) {
        MemoryDisk disk(disk_sectors);
        std::copy(c.bytes.begin(), c.bytes.end(), disk.bytes.begin() + long(c.offset));
        std::vector<uint8_t> before = disk.bytes;
        Boot boot(disk);
        EXPECT_EQ(boot.journal.mode(), JournalMode::Off) << c.name;
        EXPECT_TRUE(boot.sink.contains(std::string("[journal] off: disk holds ") + c.said))
            << c.name << "\n"
            << boot.sink.all();
        EXPECT_TRUE(boot.sink.contains("left untouched")) << c.name;
        EXPECT_EQ(disk.writes, 0) << c.name;
        EXPECT_TRUE(disk.bytes == before) << c.name;
        EXPECT_EQ(boot.journal.append(spin(1)).error(), Error::NotFound);
        EXPECT_EQ(disk.writes, 0) << c.name;
    }
}

TEST(Journal, ReadOnlyDiskIsReadNotWritten)
{
    MemoryDisk disk(disk_sectors);
    {
        Boot first(disk);
        for (uint32_t i = 0; i < 4; ++i)
            ASSERT_TRUE(first.journal.append(spin(i)).has_value());
    }
    std::vector<uint8_t> before = disk.bytes;
    disk.is_read_only = true;
    Boot second(disk);
    EXPECT_EQ(second.journal.mode(), JournalMode::ReadOnly);
    EXPECT_TRUE(second.sink.contains("[journal] records=4 last_seq=4 corrupt=0 mode=read-only"))
        << second.sink.all();
    EXPECT_EQ(second.journal.append(spin(5)).error(), Error::ReadOnly);
    EXPECT_EQ(disk.refused_writes, 0); // refused before reaching the disk
    EXPECT_TRUE(disk.bytes == before);
    EXPECT_EQ(recent_sequences(second.journal), (std::vector<uint64_t> {4, 3, 2, 1}));
}

TEST(Journal, BlankReadOnlyDiskStaysOff)
{
    MemoryDisk disk(disk_sectors);
    disk.is_read_only = true;
    Boot boot(disk);
    EXPECT_EQ(boot.journal.mode(), JournalMode::Off);
    EXPECT_TRUE(boot.sink.contains("[journal] off: blank disk is read-only")) << boot.sink.all();
    EXPECT_EQ(disk.refused_writes, 0);
}

TEST(Journal, DamagedHeaderIsRewrittenAndRecordsKept)
{
    MemoryDisk disk(disk_sectors);
    {
        Boot first(disk);
        for (uint32_t i = 0; i < 6; ++i)
            ASSERT_TRUE(first.journal.append(spin(i)).has_value());
    }
    disk.bytes[30] ^= 0xff; // area_start, under the CRC
    std::vector<uint8_t> damaged = disk.bytes;
    {
        disk.is_read_only = true;
        Boot read_only(disk);
        EXPECT_EQ(read_only.journal.mode(), JournalMode::ReadOnly);
        EXPECT_TRUE(read_only.sink.contains("reading with the default geometry"))
            << read_only.sink.all();
        EXPECT_TRUE(read_only.sink.contains("records=6 last_seq=6 corrupt=0"));
        EXPECT_TRUE(disk.bytes == damaged);
        disk.is_read_only = false;
    }
    Boot second(disk);
    EXPECT_TRUE(second.sink.contains("header damaged (crc mismatch): rewritten"))
        << second.sink.all();
    EXPECT_TRUE(second.sink.contains("records=6 last_seq=6 corrupt=0")) << second.sink.all();
    Boot third(disk);
    EXPECT_FALSE(third.sink.contains("damaged"));
    EXPECT_TRUE(third.sink.contains("records=6 last_seq=6 corrupt=0"));
}

TEST(Journal, HeaderOfAnotherVersionIsLeftAlone)
{
    MemoryDisk disk(disk_sectors);
    {
        Boot first(disk);
    }
    disk.bytes[8] = 2; // version 2, CRC recomputed: an intact header from a newer rota
    uint32_t crc = rota::crc32(std::span(disk.bytes).first(60));
    std::memcpy(disk.bytes.data() + 60, &crc, 4);
    std::vector<uint8_t> before = disk.bytes;
    Boot second(disk);
    EXPECT_EQ(second.journal.mode(), JournalMode::Off);
    EXPECT_TRUE(second.sink.contains("[journal] off: journal version 2")) << second.sink.all();
    EXPECT_TRUE(disk.bytes == before);
}

TEST(Journal, SmallOrFailingDisksTurnItOff)
{
    MemoryDisk tiny(1024);
    Boot small(tiny);
    EXPECT_EQ(small.journal.mode(), JournalMode::Off);
    EXPECT_TRUE(small.sink.contains("[journal] off: disk too small (1024 sectors"))
        << small.sink.all();
    EXPECT_EQ(tiny.writes, 0);

    MemoryDisk unreadable(disk_sectors);
    unreadable.fail_reads = true;
    Boot failing(unreadable);
    EXPECT_EQ(failing.journal.mode(), JournalMode::Off);
    EXPECT_TRUE(failing.sink.contains("[journal] off: cannot read sector 0 (device-error)"));

    MemoryDisk stuck(disk_sectors);
    stuck.fail_writes = true;
    Boot unformatted(stuck);
    EXPECT_EQ(unformatted.journal.mode(), JournalMode::Off);
    EXPECT_TRUE(unformatted.sink.contains("[journal] off: formatting failed"))
        << unformatted.sink.all();
}

TEST(Journal, ManyCorruptRecordsAreSummarised)
{
    MemoryDisk disk(disk_sectors);
    {
        Boot first(disk);
        for (uint32_t i = 0; i < 40; ++i)
            ASSERT_TRUE(first.journal.append(spin(i)).has_value());
        for (uint32_t slot = 0; slot < 40; slot += 2)
            disk.bytes[slot_offset(first.journal, slot) + 9] ^= 1;
    }
    Boot second(disk);
    EXPECT_TRUE(second.sink.contains("[journal] 12 more corrupt records skipped"))
        << second.sink.all();
    EXPECT_TRUE(second.sink.contains("records=20 last_seq=40 corrupt=20"));
    EXPECT_LE(second.sink.lines.size(), 10u);
}

// A header with a valid CRC whose slots start right after
// it (area_start=1) describes 2047 slots, more than rota formats (2040). It is
// a journal the format allows, so it is read and written like any other; it
// used to end the boot in an assertion inside replay().
TEST(Journal, HeaderWithTheMostSlotsTheFormatAllowsIsReplayedAndAppended)
{
    MemoryDisk disk(disk_sectors);
    rota::JournalGeometry widest;
    widest.record_bytes = 512;
    widest.area_start = 1;
    widest.record_count = 2047;
    widest.region_sectors = 2048;
    rota::encode_header(widest, std::span(disk.bytes).first(512));
    // The newest record in the very last slot: sequence 2047 maps to slot 2046,
    // sector 2047, which a journal that tracks only 2040 slots cannot hold.
    SpinRecord last = spin(4242);
    last.sequence = 2047;
    rota::encode_record(last, std::span(disk.bytes).subspan(2047 * 512, 512));

    {
        Boot first(disk);
        EXPECT_EQ(first.journal.mode(), JournalMode::ReadWrite) << first.sink.all();
        EXPECT_TRUE(first.sink.contains(
            "[journal] records=1 last_seq=2047 corrupt=0 mode=read-write slots=2047"))
            << first.sink.all();
        EXPECT_EQ(recent_sequences(first.journal), (std::vector<uint64_t> {2047}));
        auto appended = first.journal.append(spin(5));
        ASSERT_TRUE(appended.has_value());
        EXPECT_EQ(appended.value(), 2048u);
        SpinRecord record;
        EXPECT_EQ(rota::decode_record(std::span(disk.bytes).subspan(1 * 512, 512), 0,
                      first.journal.geometry(), record),
            rota::RecordCheck::Valid); // 2048 wraps to slot 0, sector 1
        EXPECT_EQ(record.sequence, 2048u);
    }
    Boot second(disk);
    EXPECT_TRUE(second.sink.contains("records=2 last_seq=2048 corrupt=0")) << second.sink.all();
}

// The same widest journal behind a device with 4 KiB blocks: slots that start
// at sector 1 straddle device blocks, so nothing is ever written; reading the
// misaligned area fails, which turns the journal off with the reason.
TEST(Journal, RecordAreaOffTheDeviceBlocksIsNeverWritten)
{
    MemoryDisk disk(disk_sectors, 4096);
    rota::JournalGeometry g;
    g.record_bytes = 4096;
    g.area_start = 1;
    g.record_count = 255;
    g.region_sectors = 1 + 255 * 8;
    rota::encode_header(g, std::span(disk.bytes).first(512));
    std::vector<uint8_t> before = disk.bytes;
    Boot boot(disk, 4096);
    EXPECT_TRUE(boot.sink.contains("record area at sector 1 is not aligned to the device's "
                                   "4096-byte blocks: read-only"))
        << boot.sink.all();
    EXPECT_NE(boot.journal.mode(), JournalMode::ReadWrite);
    EXPECT_TRUE(boot.journal.append(spin(1)).is_error());
    EXPECT_EQ(disk.writes, 0);
    EXPECT_TRUE(disk.bytes == before);
}

namespace {

constexpr uint64_t small_disk_sectors = 4096; // the region and as much again: quick to copy

// Every way one physical block of the record area can be torn (replaced by
// garbage, as a write cut short by a power loss can leave it): how many
// records are lost at most, over all blocks.
uint32_t worst_torn_block(MemoryDisk& disk, uint32_t physical, uint32_t offset)
{
    Boot before(disk);
    uint32_t records = before.journal.records();
    uint32_t worst = 0;
    std::mt19937 random(5);
    for (uint64_t at = offset; at + physical <= 2048 * 512; at += physical) {
        MemoryDisk torn = disk;
        for (uint64_t i = at; i < at + physical; ++i)
            torn.bytes[i] = uint8_t(random());
        if (at == 0)
            continue; // the header's block: a damaged header is its own case
        Boot after(torn);
        worst = std::max(worst, records - after.journal.records());
    }
    return worst;
}

} // namespace

// On a 512e disk (512-byte logical, 4096-byte physical
// blocks, VIRTIO_BLK_F_TOPOLOGY) the slots are physical blocks, so a torn
// write of one physical block damages at most one record, as
// docs/journal.md promises. With 512-byte slots it damaged eight.
TEST(Journal, OnA512eDiskATornPhysicalBlockDamagesOneRecord)
{
    MemoryDisk disk(small_disk_sectors, 512);
    disk.physical = 4096;
    {
        Boot first(disk);
        EXPECT_EQ(first.journal.geometry().record_bytes, 4096u);
        EXPECT_EQ(first.journal.geometry().record_count, 255u);
        EXPECT_TRUE(first.sink.contains("physical_block=4096")) << first.sink.all();
        for (uint32_t i = 0; i < 300; ++i)
            ASSERT_TRUE(first.journal.append(spin(i)).has_value());
    }
    EXPECT_EQ(worst_torn_block(disk, 4096, 0), 1u);
}

// Physical blocks that start 3584 bytes into the disk (alignment_offset 7):
// the record area starts on one, so the slots still line up with them.
TEST(Journal, SlotsFollowTheAlignmentOffsetOfPhysicalBlocks)
{
    MemoryDisk disk(small_disk_sectors, 512);
    disk.physical = 4096;
    disk.physical_offset = 3584;
    {
        Boot first(disk);
        const rota::JournalGeometry& g = first.journal.geometry();
        EXPECT_EQ(g.record_bytes, 4096u);
        EXPECT_EQ((g.area_start * 512) % 4096, 3584u);
        EXPECT_GE(g.area_start, 8u);
        for (uint32_t i = 0; i < 300; ++i)
            ASSERT_TRUE(first.journal.append(spin(i)).has_value());
    }
    EXPECT_EQ(worst_torn_block(disk, 4096, 3584), 1u);
}

// A journal formatted with 512-byte slots before rota read the topology keeps
// working on the same disk (its geometry is in its header), and the log says
// what a torn write can cost there.
TEST(Journal, AnOlderJournalOnA512eDiskKeepsWorkingAndSaysWhatATearCosts)
{
    MemoryDisk disk(small_disk_sectors, 512);
    {
        Boot first(disk); // as if formatted without the topology
        for (uint32_t i = 0; i < 5; ++i)
            ASSERT_TRUE(first.journal.append(spin(i)).has_value());
    }
    disk.physical = 4096;
    Boot second(disk);
    EXPECT_EQ(second.journal.mode(), JournalMode::ReadWrite);
    EXPECT_TRUE(second.sink.contains("records of 512 bytes share the disk's 4096-byte physical "
                                     "blocks: a torn write can damage up to 8 records"))
        << second.sink.all();
    EXPECT_TRUE(second.sink.contains("records=5 last_seq=5 corrupt=0")) << second.sink.all();
    EXPECT_EQ(second.journal.append(spin(9)).value(), 6u);

    // Its header damaged, it is read with the geometry that finds its records.
    disk.bytes[30] ^= 0xff;
    Boot third(disk);
    EXPECT_TRUE(third.sink.contains("records=6 last_seq=6 corrupt=0")) << third.sink.all();
    EXPECT_EQ(third.journal.geometry().record_bytes, 512u);
}
