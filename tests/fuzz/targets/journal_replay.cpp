#include <cstring>
#include <vector>

#include "fuzz_target.h"
#include "journal/disk_layout.h"
#include "journal/journal.h"
#include "support/checking_sink.h"
#include "support/fuzz_input.h"
#include "support/journal_disk.h"
#include "support/journal_seal.h"

// A whole disk as rota may find it at boot (docs/journal.md):
// any bytes in the journal region, any capacity and block size, read-only or
// not, a read or write that fails. open() and replay must end in a mode and a
// report, leave a disk that is not rota's untouched, and an append they allow
// must be found again by the next boot.
//
// Input: flags, block size, capacity, failing read and write, then patches of
// the region: sector (2 bytes), length (2 bytes), bytes.
namespace {

using namespace rota;

constexpr uint8_t flag_seal = 1u << 0; // fix every CRC behind a magic (support/journal_seal.h)
constexpr uint8_t flag_read_only = 1u << 1;
constexpr uint8_t flag_append = 1u << 2; // append one record, then open the disk again
constexpr uint8_t flag_small_scratch = 1u << 3; // 4 KiB of scratch instead of 16 KiB
constexpr uint8_t flag_small_disk = 1u << 4; // fewer sectors than the region

bool region_is_foreign(const std::vector<uint8_t>& bytes)
{
    if (bytes.size() >= sizeof journal_magic
        && std::memcmp(bytes.data(), journal_magic, sizeof journal_magic) == 0)
        return false;
    // memcmp rather than a loop: libFuzzer traces every comparison a loop
    // makes, and this one would cost more than the journal's whole replay.
    static const std::vector<uint8_t> zeros(journal_region_sectors * journal_sector_bytes, 0);
    size_t length = bytes.size() < zeros.size() ? bytes.size() : zeros.size();
    return length != 0 && std::memcmp(bytes.data(), zeros.data(), length) != 0;
}

void check_state(const Journal& journal)
{
    if (journal.mode() == JournalMode::Off)
        return;
    FUZZ_CHECK(journal.records() + journal.corrupt() <= journal.geometry().record_count);
    SpinRecord recent[Journal::recent_capacity];
    size_t count = journal.recent(recent);
    for (size_t i = 0; i < count; ++i) {
        FUZZ_CHECK(recent[i].sequence <= journal.last_sequence());
        if (i > 0)
            FUZZ_CHECK(recent[i].sequence < recent[i - 1].sequence);
    }
    if (count > 0)
        FUZZ_CHECK(recent[0].sequence == journal.last_sequence());
}

} // namespace

ROTA_FUZZ_TARGET(journal_replay)
{
    fuzz::FuzzInput input(data);
    uint8_t flags = input.take<uint8_t>();
    uint32_t block = journal_sector_bytes << (input.take<uint8_t>() % 5);
    uint16_t capacity = input.take<uint16_t>();
    // Beyond the region a disk's size only matters against the region's, so a
    // few sectors past it stand for any larger disk (and keep each run cheap).
    uint64_t sectors = (flags & flag_small_disk) ? capacity % journal_region_sectors
                                                 : journal_region_sectors + capacity % 64;
    fuzz::FuzzDisk disk(sectors, block, (flags & flag_read_only) != 0);
    disk.fail_read = input.take<uint8_t>();
    disk.fail_write = input.take<uint8_t>();
    while (input.remaining() >= 4) {
        size_t offset = size_t(input.take<uint16_t>() % journal_region_sectors) * 512;
        auto patch = input.take_bytes(input.take<uint16_t>());
        if (offset >= disk.bytes.size()) // past a small disk's end
            continue;
        size_t room = disk.bytes.size() - offset;
        fuzz::copy_bytes(
            disk.bytes.data() + offset, patch.first(patch.size() < room ? patch.size() : room));
    }
    if (flags & flag_seal) {
        std::span<uint8_t> all(disk.bytes);
        for (size_t sector = 0; sector < journal_region_sectors && sector < sectors; ++sector) {
            auto bytes = all.subspan(sector * 512, 512);
            if (sector == 0)
                fuzz::seal_header(bytes);
            else
                fuzz::seal_record(bytes);
        }
    }
    std::vector<uint8_t> before = disk.bytes;

    std::vector<uint8_t> scratch((flags & flag_small_scratch) ? 4096 : 16384);
    fuzz::CheckingSink sink;
    Journal journal(disk, sink, scratch);
    journal.open();
    FUZZ_CHECK(sink.lines >= 1); // every outcome is reported
    check_state(journal);
    // docs/journal.md: a disk that holds anything else is never overwritten,
    // and a read-only one is never written.
    if (region_is_foreign(before))
        FUZZ_CHECK(journal.mode() == JournalMode::Off && disk.bytes == before);
    if (flags & flag_read_only)
        FUZZ_CHECK(disk.writes == 0 && journal.mode() != JournalMode::ReadWrite);

    if (!(flags & flag_append) || journal.mode() != JournalMode::ReadWrite)
        return;
    SpinRecord record;
    record.fate = input.take<uint32_t>();
    record.result = SpinResult::Win;
    record.wedge = 7;
    uint64_t last = journal.last_sequence();
    auto appended = journal.append(record);
    check_state(journal);
    disk.fail_read = 0;
    disk.fail_write = 0;
    Journal reopened(disk, sink, scratch);
    reopened.open();
    check_state(reopened);
    FUZZ_CHECK(reopened.mode() != JournalMode::Off);
    if (appended.is_error()) {
        FUZZ_CHECK(journal.last_sequence() == last);
        return;
    }
    // An acknowledged record survives the reboot, and is the newest.
    FUZZ_CHECK(appended.value() == last + 1);
    FUZZ_CHECK(reopened.last_sequence() == appended.value());
    SpinRecord newest[1];
    FUZZ_CHECK(reopened.recent(newest) == 1 && newest[0].fate == record.fate);
}
