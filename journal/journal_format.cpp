#include "journal/journal_format.h"

#include "core/lib/assert.h"
#include "core/lib/format.h"
#include "journal/crc32.h"
#include "journal/disk_layout.h"

namespace rota {

namespace {

constexpr size_t crc_covered = 60; // both structs: every byte before the CRC

template<class Wire>
uint32_t wire_crc(const Wire& wire)
{
    static_assert(offsetof(Wire, crc32) == crc_covered);
    return crc32(std::span(reinterpret_cast<const uint8_t*>(&wire), crc_covered));
}

template<class Wire>
Wire load(std::span<const uint8_t> bytes)
{
    ROTA_ASSERT(bytes.size() >= sizeof(Wire));
    Wire wire;
    __builtin_memcpy(&wire, bytes.data(), sizeof wire);
    return wire;
}

bool all_zero(std::span<const uint8_t> bytes)
{
    for (uint8_t b : bytes) {
        if (b != 0)
            return false;
    }
    return true;
}

bool is_power_of_two(uint32_t value)
{
    return value != 0 && (value & (value - 1)) == 0;
}

bool bytes_equal(std::span<const uint8_t> bytes, size_t offset, const char* text)
{
    for (size_t i = 0; text[i] != 0; ++i) {
        if (offset + i >= bytes.size() || bytes[offset + i] != uint8_t(text[i]))
            return false;
    }
    return true;
}

} // namespace

bool default_geometry(uint64_t capacity_sectors, BlockShape shape, JournalGeometry& out)
{
    if (capacity_sectors < journal_region_sectors)
        return false;
    uint32_t unit = shape.physical > shape.logical ? shape.physical : shape.logical;
    uint32_t record_bytes = unit < journal_sector_bytes ? journal_sector_bytes : unit;
    if (record_bytes > max_record_bytes || !is_power_of_two(record_bytes))
        record_bytes = max_record_bytes;
    out.record_bytes = record_bytes;
    // Slot 0 starts where a physical block does (at or after sector 8);
    // physical blocks larger than a slot cannot be matched, only started on.
    uint64_t boundary = shape.physical_offset % record_bytes;
    uint64_t start = default_area_start * journal_sector_bytes;
    uint64_t misfit = (start + record_bytes - boundary) % record_bytes;
    if (misfit != 0)
        start += record_bytes - misfit;
    out.area_start = start / journal_sector_bytes;
    out.record_count = uint32_t((journal_region_sectors - out.area_start) / out.record_sectors());
    out.region_sectors
        = uint32_t(out.area_start + uint64_t(out.record_count) * out.record_sectors());
    return true;
}

bool default_geometry(uint64_t capacity_sectors, uint32_t block_bytes, JournalGeometry& out)
{
    return default_geometry(capacity_sectors, BlockShape {block_bytes, block_bytes, 0}, out);
}

uint32_t records_per_torn_block(const JournalGeometry& g, BlockShape shape)
{
    // The most slots any one physical block of the region overlaps.
    int64_t physical
        = shape.physical < journal_sector_bytes ? journal_sector_bytes : shape.physical;
    int64_t area = int64_t(g.area_start * journal_sector_bytes);
    int64_t area_end = area + int64_t(g.record_count) * g.record_bytes;
    int64_t slot = g.record_bytes;
    uint32_t worst = 0;
    for (int64_t block = int64_t(shape.physical_offset % uint64_t(physical)) - physical;
         block < area_end; block += physical) {
        int64_t from = block > area ? block : area;
        int64_t to = block + physical < area_end ? block + physical : area_end;
        if (to <= from)
            continue;
        int64_t first = (from - area) / slot;
        int64_t last = (to - 1 - area) / slot;
        uint32_t count = uint32_t(last - first + 1);
        worst = count > worst ? count : worst;
    }
    return worst;
}

void encode_header(const JournalGeometry& geometry, std::span<uint8_t> sector)
{
    ROTA_ASSERT(sector.size() >= sizeof(HeaderWire));
    HeaderWire wire {};
    __builtin_memcpy(wire.magic, journal_magic, sizeof wire.magic);
    wire.version = journal_version;
    wire.header_bytes = sizeof(HeaderWire);
    wire.sector_bytes = journal_sector_bytes;
    wire.record_bytes = geometry.record_bytes;
    wire.area_start = geometry.area_start;
    wire.record_count = geometry.record_count;
    wire.region_sectors = geometry.region_sectors;
    wire.crc32 = wire_crc(wire);
    for (uint8_t& b : sector)
        b = 0;
    __builtin_memcpy(sector.data(), &wire, sizeof wire);
}

DecodedHeader decode_header(std::span<const uint8_t> sector, uint64_t capacity_sectors)
{
    DecodedHeader result;
    auto wire = load<HeaderWire>(sector);
    if (__builtin_memcmp(wire.magic, journal_magic, sizeof wire.magic) != 0)
        return result;
    if (wire_crc(wire) != wire.crc32) {
        result.check = HeaderCheck::BadCrc;
        return result;
    }
    result.version = wire.version;
    if (wire.version != journal_version) {
        result.check = HeaderCheck::BadVersion;
        return result;
    }
    JournalGeometry& g = result.geometry;
    g.record_bytes = wire.record_bytes;
    g.area_start = wire.area_start;
    g.record_count = wire.record_count;
    g.region_sectors = wire.region_sectors;
    bool sane = wire.header_bytes == sizeof(HeaderWire) && wire.sector_bytes == journal_sector_bytes
        && g.record_bytes >= journal_sector_bytes && g.record_bytes <= max_record_bytes
        && is_power_of_two(g.record_bytes) && g.area_start >= 1
        && g.area_start < journal_region_sectors && g.record_count >= 2
        && g.record_count <= max_record_slots && g.region_sectors <= journal_region_sectors
        && g.region_sectors <= capacity_sectors
        && g.area_start + uint64_t(g.record_count) * g.record_sectors() == g.region_sectors
        && all_zero(std::span(wire.reserved));
    result.check = sane ? HeaderCheck::Valid : HeaderCheck::BadGeometry;
    return result;
}

void encode_record(const SpinRecord& record, std::span<uint8_t> slot)
{
    ROTA_ASSERT(slot.size() >= sizeof(RecordWire));
    RecordWire wire {};
    wire.magic = record_magic;
    wire.version = record_version;
    wire.length = sizeof(RecordWire);
    wire.sequence = record.sequence;
    wire.fate = record.fate;
    wire.result = static_cast<uint8_t>(record.result);
    wire.wedge = record.wedge;
    wire.frames = record.frames;
    wire.fps_x10 = record.fps_x10;
    wire.p50_us = record.p50_us;
    wire.p99_us = record.p99_us;
    wire.crc32 = wire_crc(wire);
    for (uint8_t& b : slot)
        b = 0;
    __builtin_memcpy(slot.data(), &wire, sizeof wire);
}

RecordCheck decode_record(std::span<const uint8_t> slot, uint32_t slot_index,
    const JournalGeometry& geometry, SpinRecord& out)
{
    if (all_zero(slot))
        return RecordCheck::Empty;
    auto wire = load<RecordWire>(slot);
    if (wire.magic != record_magic)
        return RecordCheck::BadMagic;
    if (wire_crc(wire) != wire.crc32)
        return RecordCheck::BadCrc;
    if (wire.version != record_version || wire.length != sizeof(RecordWire))
        return RecordCheck::BadVersion;
    bool fields = wire.sequence != 0 && wire.sequence <= max_sequence
        && (wire.result == uint8_t(SpinResult::Lose) || wire.result == uint8_t(SpinResult::Win))
        && wire.wedge < wedge_count && wire.reserved0 == 0 && all_zero(std::span(wire.reserved));
    if (!fields)
        return RecordCheck::BadField;
    if (!all_zero(slot.subspan(sizeof(RecordWire))))
        return RecordCheck::BadPadding;
    if (geometry.slot_of(wire.sequence) != slot_index)
        return RecordCheck::Misplaced;
    out = SpinRecord {wire.sequence, wire.fate, SpinResult(wire.result), wire.wedge, wire.frames,
        wire.fps_x10, wire.p50_us, wire.p99_us};
    return RecordCheck::Valid;
}

const char* header_check_name(HeaderCheck check)
{
    switch (check) {
    case HeaderCheck::Valid:
        return "valid";
    case HeaderCheck::NoMagic:
        return "no-magic";
    case HeaderCheck::BadCrc:
        return "crc";
    case HeaderCheck::BadVersion:
        return "version";
    case HeaderCheck::BadGeometry:
        return "geometry";
    }
    return "unknown";
}

const char* record_check_name(RecordCheck check)
{
    switch (check) {
    case RecordCheck::Valid:
        return "valid";
    case RecordCheck::Empty:
        return "empty";
    case RecordCheck::BadMagic:
        return "magic";
    case RecordCheck::BadCrc:
        return "crc";
    case RecordCheck::BadVersion:
        return "version";
    case RecordCheck::BadField:
        return "field";
    case RecordCheck::BadPadding:
        return "padding";
    case RecordCheck::Misplaced:
        return "misplaced";
    }
    return "unknown";
}

size_t format_record_fields(const SpinRecord& r, char* buffer, size_t capacity)
{
    return format(buffer, capacity,
        "seq=%lu fate=%u result=%s wedge=%u frames=%u fps=%u.%u p50_us=%u p99_us=%u", r.sequence,
        r.fate, spin_result_name(r.result), unsigned(r.wedge), r.frames, r.fps_x10 / 10,
        r.fps_x10 % 10, r.p50_us, r.p99_us);
}

const char* describe_foreign_content(std::span<const uint8_t> start)
{
    // FAT: the BPB's file-system type string (FAT12/16 at 0x36, FAT32 at 0x52).
    if (bytes_equal(start, 0x52, "FAT32") || bytes_equal(start, 0x36, "FAT1")
        || bytes_equal(start, 0x36, "FAT "))
        return "a FAT file system";
    if (bytes_equal(start, 512, "EFI PART"))
        return "a GPT partition table";
    if (bytes_equal(start, 3, "NTFS    "))
        return "an NTFS file system";
    // ext2/3/4: the superblock at byte 1024, its magic 0xEF53 at offset 56.
    if (start.size() > 1081 && start[1080] == 0x53 && start[1081] == 0xef)
        return "an ext2/3/4 file system";
    if (start.size() >= 512 && start[510] == 0x55 && start[511] == 0xaa)
        return "an MBR partition table or boot sector";
    return "data that is not a journal";
}

} // namespace rota
