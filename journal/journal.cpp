#include "journal/journal.h"

#include <cstdarg>

#include "core/lib/format.h"
#include "journal/record_scan.h"

namespace rota {

const char* journal_mode_name(JournalMode mode)
{
    switch (mode) {
    case JournalMode::Off:
        return "off";
    case JournalMode::ReadOnly:
        return "read-only";
    case JournalMode::ReadWrite:
        return "read-write";
    }
    return "unknown";
}

Journal::Journal(BlockDevice& disk, DiagnosticSink& sink, std::span<uint8_t> scratch)
    : m_disk(disk)
    , m_sink(sink)
    , m_scratch(scratch)
{
    ROTA_ASSERT(scratch.size() >= min_scratch_bytes && scratch.size() % 4096 == 0);
}

void Journal::turn_off(const char* format_string, ...)
{
    va_list args;
    va_start(args, format_string);
    vformat(m_off_reason, sizeof m_off_reason, format_string, args);
    va_end(args);
    m_mode = JournalMode::Off;
    m_sink.reportf("[journal] off: %s", m_off_reason);
}

void Journal::open()
{
    uint64_t capacity = m_disk.sector_count();
    // Devices may refuse requests smaller than their block (QEMU does when
    // logical_block_size > 512), so the header is read and written as a block.
    uint32_t block = m_disk.block_bytes();
    if (block > max_record_bytes) {
        turn_off("device blocks of %u bytes are larger than the journal handles (%u)", block,
            max_record_bytes);
        return;
    }
    m_io_bytes = block < journal_sector_bytes ? journal_sector_bytes : block;
    m_shape = block_shape();
    JournalGeometry fallback;
    if (!default_geometry(capacity, m_shape, fallback)) {
        turn_off("disk too small (%lu sectors; the journal needs %lu)", capacity,
            journal_region_sectors);
        return;
    }
    auto first = m_scratch.first(m_io_bytes);
    if (auto read = m_disk.read(0, first); read.is_error()) {
        turn_off("cannot read sector 0 (%s)", error_name(read.error()));
        return;
    }
    DecodedHeader header = decode_header(first, capacity);
    JournalMode usable = m_disk.read_only() ? JournalMode::ReadOnly : JournalMode::ReadWrite;
    switch (header.check) {
    case HeaderCheck::NoMagic:
        open_blank();
        return;
    case HeaderCheck::BadVersion:
        turn_off("journal version %u is not one this kernel reads (%u): left untouched",
            header.version, journal_version);
        return;
    case HeaderCheck::BadGeometry:
        turn_off("journal header has impossible geometry: left untouched");
        return;
    case HeaderCheck::BadCrc:
        // The magic says the disk is rota's; only the header's numbers are
        // lost. Records carry their own CRCs, so they survive a new header.
        m_geometry = likelier_geometry(fallback);
        m_mode = usable;
        if (usable == JournalMode::ReadWrite && write_header().has_value())
            m_sink.reportf("[journal] header damaged (crc mismatch): rewritten with the default "
                           "geometry; records kept");
        else
            m_sink.reportf(
                "[journal] header damaged (crc mismatch): reading with the default geometry");
        break;
    case HeaderCheck::Valid:
        m_geometry = header.geometry;
        m_mode = usable;
        if (usable == JournalMode::ReadWrite && m_geometry.record_bytes % m_io_bytes != 0) {
            // Formatted on a device with smaller blocks: a record could only be
            // written by rewriting its neighbours too.
            m_sink.reportf("[journal] records of %u bytes are smaller than the device's %u-byte "
                           "blocks: read-only",
                m_geometry.record_bytes, m_io_bytes);
            m_mode = JournalMode::ReadOnly;
        } else if (usable == JournalMode::ReadWrite
            && m_geometry.area_start * journal_sector_bytes % m_io_bytes != 0) {
            // Slots that straddle device blocks: the same problem, shifted.
            m_sink.reportf(
                "[journal] record area at sector %lu is not aligned to the device's %u-byte "
                "blocks: read-only",
                m_geometry.area_start, m_io_bytes);
            m_mode = JournalMode::ReadOnly;
        }
        report_torn_write_cost();
        break;
    }
    replay();
}

BlockShape Journal::block_shape() const
{
    BlockShape shape {m_io_bytes, m_io_bytes, 0};
    uint32_t physical = m_disk.physical_block_bytes();
    // Only a power of two of whole logical blocks is a physical block.
    if (physical > m_io_bytes && (physical & (physical - 1)) == 0) {
        shape.physical = physical;
        shape.physical_offset = m_disk.physical_offset_bytes() % physical;
    }
    return shape;
}

// Says so when a torn write can damage more than one record: a journal
// formatted before the disk's topology was known (or physical blocks larger
// than the largest slot). It still works; only that promise is weaker.
void Journal::report_torn_write_cost()
{
    uint32_t records = records_per_torn_block(m_geometry, m_shape);
    if (records <= 1)
        return;
    if (m_geometry.record_bytes < m_shape.physical)
        m_sink.reportf(
            "[journal] records of %u bytes share the disk's %u-byte physical blocks: a torn "
            "write can damage up to %u records",
            m_geometry.record_bytes, m_shape.physical, records);
    else
        m_sink.reportf(
            "[journal] records are not aligned to the disk's %u-byte physical blocks: a torn "
            "write can damage up to %u records",
            m_shape.physical, records);
}

namespace {

class ValidCount final : public RecordVisitor {
public:
    void visit(uint32_t, RecordCheck check, const SpinRecord&) override
    {
        count += check == RecordCheck::Valid ? 1 : 0;
    }
    uint32_t count {0};
};

} // namespace

// With the header's numbers lost: the default geometry, unless the one rota
// formatted with before it knew the physical block (slots of one logical
// block) finds more valid records on the disk.
JournalGeometry Journal::likelier_geometry(const JournalGeometry& fallback)
{
    JournalGeometry logical;
    if (!default_geometry(m_disk.sector_count(), m_io_bytes, logical)
        || (logical.record_bytes == fallback.record_bytes
            && logical.area_start == fallback.area_start))
        return fallback;
    ValidCount in_fallback, in_logical;
    if (scan_records(m_disk, fallback, m_scratch, in_fallback).is_error()
        || scan_records(m_disk, logical, m_scratch, in_logical).is_error())
        return fallback;
    return in_logical.count > in_fallback.count ? logical : fallback;
}

// No journal magic: a blank disk is formatted, anything else left alone.
void Journal::open_blank()
{
    JournalGeometry geometry;
    default_geometry(m_disk.sector_count(), m_shape, geometry);
    size_t chunk_sectors = m_scratch.size() / journal_sector_bytes;
    for (uint64_t sector = 0; sector < journal_region_sectors; sector += chunk_sectors) {
        uint64_t sectors = journal_region_sectors - sector;
        if (sectors > chunk_sectors)
            sectors = chunk_sectors;
        auto bytes = m_scratch.first(size_t(sectors) * journal_sector_bytes);
        if (auto read = m_disk.read(sector, bytes); read.is_error()) {
            turn_off("cannot read sector %lu (%s)", sector, error_name(read.error()));
            return;
        }
        for (size_t i = 0; i < bytes.size(); ++i) {
            if (bytes[i] == 0)
                continue;
            const char* what
                = sector == 0 ? describe_foreign_content(bytes) : "data that is not a journal";
            turn_off("disk holds %s (non-zero byte in sector %lu): left untouched", what,
                sector + i / journal_sector_bytes);
            return;
        }
    }
    if (m_disk.read_only()) {
        turn_off("blank disk is read-only: nothing to read, nothing may be written");
        return;
    }
    m_geometry = geometry;
    if (auto written = write_header(); written.is_error()) {
        turn_off("formatting failed (%s)", error_name(written.error()));
        return;
    }
    m_mode = JournalMode::ReadWrite;
    m_sink.reportf("[journal] formatted a blank disk: slots=%u record_bytes=%u region_sectors=%u "
                   "area_start=%lu physical_block=%u",
        m_geometry.record_count, m_geometry.record_bytes, m_geometry.region_sectors,
        m_geometry.area_start, m_shape.physical);
    report_torn_write_cost();
    replay();
}

Expected<void> Journal::write_header()
{
    auto sector = m_scratch.first(m_io_bytes);
    encode_header(m_geometry, sector);
    TRY(m_disk.write(0, sector));
    return m_disk.flush();
}

class Journal::ReplayVisitor final : public RecordVisitor {
public:
    explicit ReplayVisitor(Journal& journal)
        : m_journal(journal)
    {
    }

    void visit(uint32_t slot, RecordCheck check, const SpinRecord& record) override
    {
        Journal& j = m_journal;
        if (check == RecordCheck::Empty)
            return;
        if (check != RecordCheck::Valid) {
            j.m_slots[slot] = SlotState::Corrupt;
            if (j.m_corrupt++ < corrupt_lines)
                j.m_sink.reportf("[journal] corrupt record slot=%u sector=%lu reason=%s: skipped",
                    slot, j.m_geometry.slot_sector(slot), record_check_name(check));
            return;
        }
        j.m_slots[slot] = SlotState::Valid;
        ++j.m_records;
        if (record.sequence > j.m_last_sequence)
            j.m_last_sequence = record.sequence;
        j.remember(record);
    }

private:
    Journal& m_journal;
};

void Journal::replay()
{
    // decode_header() refuses more slots than max_record_slots, and the
    // default geometry has fewer: the disk cannot make this fail.
    ROTA_ASSERT(m_geometry.record_count <= max_slots);
    ReplayVisitor visitor(*this);
    if (auto scanned = scan_records(m_disk, m_geometry, m_scratch, visitor); scanned.is_error()) {
        turn_off("cannot read the record area (%s)", error_name(scanned.error()));
        return;
    }
    if (m_corrupt > corrupt_lines)
        m_sink.reportf("[journal] %u more corrupt records skipped", m_corrupt - corrupt_lines);
    m_sink.reportf("[journal] records=%u last_seq=%lu corrupt=%u mode=%s slots=%u record_bytes=%u",
        m_records, m_last_sequence, m_corrupt, journal_mode_name(m_mode), m_geometry.record_count,
        m_geometry.record_bytes);
}

// Keeps m_recent sorted newest first; replay visits slots in any order.
void Journal::remember(const SpinRecord& record)
{
    size_t position = 0;
    while (position < m_recent_count && m_recent[position].sequence > record.sequence)
        ++position;
    if (position == recent_capacity)
        return;
    size_t last = m_recent_count < recent_capacity ? m_recent_count : recent_capacity - 1;
    for (size_t i = last; i > position; --i)
        m_recent[i] = m_recent[i - 1];
    m_recent[position] = record;
    if (m_recent_count < recent_capacity)
        ++m_recent_count;
}

Expected<uint64_t> Journal::append(SpinRecord record)
{
    if (m_mode == JournalMode::Off)
        return make_error(Error::NotFound);
    if (m_mode == JournalMode::ReadOnly)
        return make_error(Error::ReadOnly);
    if (m_last_sequence >= max_sequence) {
        // A record numbered past it would be written and acknowledged, then
        // refused as corrupt by the next boot's replay.
        m_sink.reportf("[journal] append refused: sequence numbers exhausted at last_seq=%lu",
            m_last_sequence);
        return make_error(Error::Corrupt);
    }
    record.sequence = m_last_sequence + 1;
    uint32_t slot = m_geometry.slot_of(record.sequence);
    auto bytes = m_scratch.first(m_geometry.record_bytes);
    encode_record(record, bytes);
    auto written = m_disk.write(m_geometry.slot_sector(slot), bytes);
    if (written.has_value())
        written = m_disk.flush();
    if (written.is_error()) {
        m_sink.reportf("[journal] append seq=%lu slot=%u failed (%s)", record.sequence, slot,
            error_name(written.error()));
        return make_error(written.error());
    }
    // Wrapping overwrites the oldest record: the count stays, a corrupt
    // slot becomes a good one.
    if (m_slots[slot] != SlotState::Valid)
        ++m_records;
    if (m_slots[slot] == SlotState::Corrupt)
        --m_corrupt;
    m_slots[slot] = SlotState::Valid;
    m_last_sequence = record.sequence;
    remember(record);
    return record.sequence;
}

size_t Journal::recent(std::span<SpinRecord> out) const
{
    size_t count = out.size() < m_recent_count ? out.size() : m_recent_count;
    for (size_t i = 0; i < count; ++i)
        out[i] = m_recent[i];
    return count;
}

} // namespace rota
