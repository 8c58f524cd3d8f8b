#pragma once

#include <cstdint>
#include <span>

// The block self-test's data (debug=blk-selftest; journal/disk_layout.h
// says where it may write). Every 512-byte sector it writes says what it is:
//
//   0..15   "rota-blk-selftst"
//   16..23  the sector's own number (le64)
//   24..31  the run's stamp (le64; a new one each run, so a pass proves the
//           data was written now)
//   32..511 xorshift64 bytes seeded from sector and stamp
//
// so a later run can tell its own leftovers from anybody else's data and
// refuses to touch a sector that is neither zero nor this pattern. Pure.

namespace rota::blk {

void fill_selftest_sector(uint64_t sector, uint64_t stamp, std::span<uint8_t> out);

enum class ScratchContent { Zero, Pattern, Other };

// What one sector holds (512 bytes); Pattern only if every byte matches the
// pattern for that sector number and the stamp it carries.
ScratchContent classify_scratch_sector(uint64_t sector, std::span<const uint8_t> bytes);

// True if `bytes` is exactly this run's pattern for `sector`.
bool selftest_sector_matches(uint64_t sector, uint64_t stamp, std::span<const uint8_t> bytes);

} // namespace rota::blk
