#pragma once

#include <cstdint>

#include "core/roulette/wedges.h"

// One spin of the Wheel of Fate as the journal keeps it (docs/roulette.md,
// docs/journal.md): what the wheel decided and how smoothly it turned. The on-disk encoding
// is in docs/journal.md and journal/journal_format.h.

namespace rota {

// The values are the on-disk encoding: 0 is no result, so an all-zero record
// never decodes as one.
enum class SpinResult : uint8_t {
    Lose = 1,
    Win = 2,
};

struct SpinRecord {
    uint64_t sequence {0}; // assigned by the journal when appended; 1 is the first
    uint32_t fate {0}; // the 32-bit fate number; odd wins
    SpinResult result {SpinResult::Lose};
    uint8_t wedge {0}; // where the wheel stopped, below wedge_count
    uint32_t frames {0}; // frames presented during the spin
    uint32_t fps_x10 {0}; // frames per second, times ten
    uint32_t p50_us {0}; // median frame time, microseconds
    uint32_t p99_us {0}; // 99th percentile frame time, microseconds
};

constexpr const char* spin_result_name(SpinResult result)
{
    return result == SpinResult::Win ? "win" : "lose";
}

} // namespace rota
