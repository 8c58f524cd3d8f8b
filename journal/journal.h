#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/lib/expected.h"
#include "core/log/diagnostic_sink.h"
#include "journal/block_device.h"
#include "journal/disk_layout.h"
#include "journal/journal_format.h"

// The spin journal on one disk (docs/journal.md), pure:
// the disk and the log are injected.
//
// open() decides what the disk is and never writes anything that is not
// already rota's:
//   - a valid header: the journal is replayed (read-only if the disk is);
//   - the journal's magic with a bad CRC: the disk is rota's, the header is
//     rewritten with the default geometry (unless the disk is read-only) and
//     the records, which carry their own CRCs, are replayed and kept;
//   - an intact header of another version or with impossible geometry: off,
//     untouched;
//   - no magic: formatted only if the whole journal region is zeros and the
//     disk is writable, otherwise off and untouched (the reason says what the
//     disk seems to hold).
// Replay checks every slot: a corrupt one is reported and skipped, and the
// records around it are kept. append() writes one record and flushes it
// before returning.

namespace rota {

enum class JournalMode : uint8_t { Off, ReadOnly, ReadWrite };

const char* journal_mode_name(JournalMode mode);

class Journal {
public:
    static constexpr size_t recent_capacity = 32;
    // Every geometry decode_header() accepts fits (docs/journal.md "Header").
    static constexpr uint32_t max_slots = max_record_slots;
    static constexpr size_t min_scratch_bytes = max_record_bytes;
    static constexpr uint32_t corrupt_lines = 8; // corrupt slots reported one by one

    // `scratch`: the I/O buffer, at least min_scratch_bytes and a multiple of
    // 4096 (larger reads the area in fewer requests); kept for append().
    Journal(BlockDevice& disk, DiagnosticSink& sink, std::span<uint8_t> scratch);

    // Every outcome is reported on the sink, ending with
    // "[journal] records=12 last_seq=12 corrupt=0 ..." or "[journal] off: <why>".
    void open();

    JournalMode mode() const { return m_mode; }
    const char* off_reason() const { return m_off_reason; }
    uint32_t records() const { return m_records; }
    uint32_t corrupt() const { return m_corrupt; }
    uint64_t last_sequence() const { return m_last_sequence; }
    const JournalGeometry& geometry() const { return m_geometry; }

    // Gives `record` the next sequence number, writes it to its slot and
    // flushes. Error::ReadOnly on a read-only disk, Error::NotFound when the
    // journal is off; a disk error is reported and returned, and the next
    // append reuses the sequence number.
    Expected<uint64_t> append(SpinRecord record);

    // The newest records (newest first), at most recent_capacity.
    size_t recent(std::span<SpinRecord> out) const;

private:
    enum class SlotState : uint8_t { Empty, Valid, Corrupt };
    class ReplayVisitor;

    __attribute__((format(printf, 2, 3))) void turn_off(const char* format, ...);
    void open_blank();
    BlockShape block_shape() const;
    void report_torn_write_cost();
    JournalGeometry likelier_geometry(const JournalGeometry& fallback);
    Expected<void> write_header();
    void replay();
    void remember(const SpinRecord& record);

    BlockDevice& m_disk;
    DiagnosticSink& m_sink;
    std::span<uint8_t> m_scratch;
    JournalMode m_mode {JournalMode::Off};
    JournalGeometry m_geometry {};
    uint32_t m_io_bytes {journal_sector_bytes}; // the smallest read or write: one device block
    BlockShape m_shape {};
    uint32_t m_records {0};
    uint32_t m_corrupt {0};
    uint64_t m_last_sequence {0};
    SlotState m_slots[max_slots] {};
    SpinRecord m_recent[recent_capacity] {}; // newest first
    size_t m_recent_count {0};
    char m_off_reason[128] {};
};

} // namespace rota
