#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/config/config.h"
#include "core/lib/expected.h"
#include "journal/spin_record.h"

// The kernel's spin journal (docs/journal.md), for the roulette: one record per
// spin, written and flushed before the result is shown, the last results for
// the heads-up display. All of it runs on the boot CPU (the frame loop's): the
// journal waits for the disk and takes no lock.

namespace rota {

// After pci_init: finds and opens the virtio-blk disk (virtio/blk/blk_probe.h),
// then, unless `journal=off`, opens the journal on it (formatting a blank disk,
// replaying and validating the records; docs/journal.md) and prints
//   [journal] records=12 last_seq=12 corrupt=0 ...
// followed by the newest records, or "[journal] off: <why>" (no disk, journal=off,
// a disk holding other data, ...). Then the debug keys: blk-selftest runs the
// block self-test; journal-test appends journal_test_records records.
// Nothing here stops the boot.
void journal_init(const Config& config);

// Appends one spin (its `sequence` is ignored and assigned), written and
// flushed (VIRTIO_BLK_F_FLUSH when offered) before returning; logs
// "[journal] append seq=13 ...". Returns the sequence number, Error::ReadOnly
// on a read-only disk, Error::NotFound with the journal off, or the disk's error.
Expected<uint64_t> journal_append(const SpinRecord& record);

// The newest records, newest first (at most 32): those replayed at boot and
// those appended since. 0 with the journal off.
size_t journal_recent(std::span<SpinRecord> out);

// Records can be read (and, if journal_writable(), appended).
bool journal_enabled();
bool journal_writable();
// "read-write", "read-only" or "off", for the heads-up display.
const char* journal_state();

// debug=journal-test: how many made-up records journal_init appends, until
// the roulette appends real spins.
inline constexpr uint32_t journal_test_records = 3;

} // namespace rota
