#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

#include "journal/disk_layout.h"
#include "journal/spin_record.h"

// The spin journal's on-disk format, version 1 (docs/journal.md is the
// document; this is its code). Pure: the kernel, the host tool
// (image/journal_dump.cpp) and the host tests share it.
//
//   sector 0                      header (64 bytes, rest of the sector zero)
//   sectors 1 .. area_start - 1   zero
//   area_start + k * record_sectors   record slot k, k < record_count
//
// The record with sequence number s lives in slot (s - 1) % record_count, so
// a full area is overwritten oldest first; replay orders records by sequence
// number, never by position.

namespace rota {

static_assert(std::endian::native == std::endian::little, "the format is little-endian");

inline constexpr uint8_t journal_magic[8] = {'R', 'O', 'T', 'A', 'J', 'R', 'N', 'L'};
inline constexpr uint32_t journal_version = 1;
inline constexpr uint32_t record_magic = 0x4e495053; // "SPIN"
inline constexpr uint16_t record_version = 1;
// Sequence numbers run from 1 to this (docs/journal.md "Record"): larger ones
// are corrupt, so the journal never appends past it.
inline constexpr uint64_t max_sequence = (uint64_t(1) << 63) - 1;
inline constexpr uint32_t journal_sector_bytes = 512;
inline constexpr uint32_t default_area_start = 8; // one 4 KiB block for the header
inline constexpr uint32_t max_record_bytes = 4096;
// The most slots a valid header can describe: 512-byte slots filling the
// region from the sector after the header (area_start = 1). rota formats
// fewer (area_start 8), but it reads and appends to any valid journal.
inline constexpr uint32_t max_record_slots = uint32_t(journal_region_sectors - 1);

// docs/journal.md "Header".
struct HeaderWire {
    uint8_t magic[8];
    uint32_t version;
    uint32_t header_bytes; // sizeof(HeaderWire)
    uint32_t sector_bytes; // 512
    uint32_t record_bytes; // one slot: 512 .. 4096, a power of two
    uint64_t area_start; // first sector of slot 0
    uint32_t record_count;
    uint32_t region_sectors; // area_start + record_count * record_sectors
    uint8_t reserved[20]; // zero
    uint32_t crc32; // over the 60 bytes before it
};
static_assert(sizeof(HeaderWire) == 64);

// docs/journal.md "Record".
struct RecordWire {
    uint32_t magic; // record_magic
    uint16_t version; // record_version
    uint16_t length; // sizeof(RecordWire)
    uint64_t sequence;
    uint32_t fate;
    uint8_t result; // SpinResult: 1 lose, 2 win
    uint8_t wedge; // < 12
    uint16_t reserved0; // zero
    uint32_t frames;
    uint32_t fps_x10;
    uint32_t p50_us;
    uint32_t p99_us;
    uint8_t reserved[20]; // zero
    uint32_t crc32; // over the 60 bytes before it
};
static_assert(sizeof(RecordWire) == 64);

struct JournalGeometry {
    uint32_t record_bytes {journal_sector_bytes};
    uint64_t area_start {default_area_start};
    uint32_t record_count {0};
    uint32_t region_sectors {0};

    uint32_t record_sectors() const { return record_bytes / journal_sector_bytes; }
    uint64_t slot_sector(uint32_t slot) const
    {
        return area_start + uint64_t(slot) * record_sectors();
    }
    uint32_t slot_of(uint64_t sequence) const { return uint32_t((sequence - 1) % record_count); }
};

// A disk's blocks as the journal sees them (BlockDevice): the smallest
// request, the unit a torn write damages, and where the first such unit
// starts on the disk (bytes).
struct BlockShape {
    uint32_t logical {journal_sector_bytes};
    uint32_t physical {journal_sector_bytes};
    uint32_t physical_offset {0};
};

// The geometry rota formats with: the journal region (disk_layout.h), one
// slot per physical block (so a torn write of one physical block never
// touches two records), at least 512 and at most 4096 bytes, the record area
// starting at sector 8 or the first physical block boundary after it. false
// if the disk is smaller than the region.
bool default_geometry(uint64_t capacity_sectors, BlockShape shape, JournalGeometry& out);
// The same for a disk whose physical block is its logical one.
bool default_geometry(uint64_t capacity_sectors, uint32_t block_bytes, JournalGeometry& out);

// How many records a torn write of one physical block of `shape` can damage
// in `geometry`: 1 when slots are whole, aligned physical blocks (or larger).
uint32_t records_per_torn_block(const JournalGeometry& geometry, BlockShape shape);

// Writes the header into `sector` (>= 64 bytes; the rest is zeroed).
void encode_header(const JournalGeometry& geometry, std::span<uint8_t> sector);

enum class HeaderCheck {
    Valid,
    NoMagic, // not a journal
    BadCrc, // the journal's magic, damaged
    BadVersion, // intact, but a version this code does not read
    BadGeometry, // intact, version 1, but impossible numbers or larger than the disk
};
const char* header_check_name(HeaderCheck check);

struct DecodedHeader {
    HeaderCheck check {HeaderCheck::NoMagic};
    uint32_t version {0};
    JournalGeometry geometry {};
};
DecodedHeader decode_header(std::span<const uint8_t> sector, uint64_t capacity_sectors);

// Writes `record` into `slot` (record_bytes long; the rest is zeroed).
void encode_record(const SpinRecord& record, std::span<uint8_t> slot);

enum class RecordCheck {
    Valid,
    Empty, // all zeros: never written
    BadMagic,
    BadCrc,
    BadVersion,
    BadField, // sequence 0 or >= 2^63, result not 1 or 2, wedge >= 12, reserved bytes
    BadPadding, // bytes after the record in its slot are not zero
    Misplaced, // a valid record in a slot its sequence number does not map to
};
const char* record_check_name(RecordCheck check);

// Checks every byte of one slot. `out` is filled only for Valid.
RecordCheck decode_record(std::span<const uint8_t> slot, uint32_t slot_index,
    const JournalGeometry& geometry, SpinRecord& out);

// "seq=4 fate=1234567 result=win wedge=7 frames=432 fps=60.0 p50_us=16667
// p99_us=17012": the kernel's log and the host tool print records alike.
size_t format_record_fields(const SpinRecord& record, char* buffer, size_t capacity);

// For a disk that is not a journal: what its first sectors look like ("a FAT
// file system", "a GPT partition table", ...), for the log line that says why
// the journal left it alone. `start` holds the disk's first sectors (>= 2).
const char* describe_foreign_content(std::span<const uint8_t> start);

} // namespace rota
