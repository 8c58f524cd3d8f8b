#pragma once

#include <cstdint>

#include "core/lib/splitmix64.h"
#include "core/roulette/wedges.h"

// The rules of the Wheel of Fate (docs/roulette.md), as pure functions of a seed:
// the fate numbers, which wedge each lands on, and where the wheel is at any
// moment of a spin. Angles are in turns (1.0 = a full revolution), measured
// clockwise; the wheel's rotation is how far it has turned clockwise.

namespace rota {

inline constexpr double spin_seconds = 7.2;
inline constexpr int full_turns_per_spin = 4;

// Fates from SplitMix64 (core/lib/splitmix64.h): the same seed gives the
// same fates.
class FateGenerator {
public:
    constexpr explicit FateGenerator(uint64_t seed)
        : m_random(seed)
    {
    }
    uint32_t next_fate();

private:
    SplitMix64 m_random;
};

constexpr bool fate_wins(uint32_t fate)
{
    return (fate & 1) != 0;
}

// fate mod 12, moved forward to the nearest wedge of the right kind: coloured
// for a win, blank for a loss.
int target_wedge(uint32_t fate);

// Which wedge is under the pointer (at 12 o'clock) when the wheel has turned
// `rotation` turns clockwise. Wedge k spans [k/12, (k+1)/12) of a turn
// clockwise from the top of the unturned wheel.
int wedge_at_pointer(double rotation);

// One spin: from `start` (turns) to a rotation that puts the middle of
// `target` under the pointer after full_turns_per_spin turns plus the distance
// to it, along angle(t) = start + total * p * (2 - p), p = t / 7.2 s.
struct SpinPlan {
    double start;
    double total;
    int target;

    static SpinPlan toward(double start, int target);
    // The rotation `seconds` into the spin (clamped to the end).
    double rotation_at(double seconds) const;
    double end() const { return start + total; }
};

} // namespace rota
