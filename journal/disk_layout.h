#pragma once

#include <cstdint>

// Where rota puts things on a virtio-blk disk (docs/journal.md): the
// journal's region at the start, then the block self-test's scratch area.
// Nothing beyond them is ever read or written.

namespace rota {

// Sectors [0, journal_region_sectors): the journal's header and records. It
// is what must be all zeros before rota formats a disk.
inline constexpr uint64_t journal_region_sectors = 2048; // 1 MiB

// Sectors [selftest_first_sector, + selftest_sectors): debug=blk-selftest
// writes here, and only on a disk that already holds rota's journal, only
// where every sector is zero or its own pattern.
inline constexpr uint64_t selftest_first_sector = journal_region_sectors;
inline constexpr uint64_t selftest_sectors = 16384; // 8 MiB

} // namespace rota
