#pragma once

#include <cstdint>

// The phases of one spin of the Wheel of Fate (docs/roulette.md), by seconds
// since the spin began: the wheel turns for 7.2 s; the landed wedge is lit for
// 0.9 s; the fate number flashes five times (0.25 s on, 0.15 s off); then the
// number and the banner are shown for 2 s, and the gate decides.

namespace rota {

enum class SpinPhase { Spinning, Highlight, Flashing, Result, Done };

namespace spin_time {
inline constexpr double spin = 7.2;
inline constexpr double highlight = 0.9;
inline constexpr double flash_on = 0.25;
inline constexpr double flash_off = 0.15;
inline constexpr int flashes = 5;
inline constexpr double banner = 2.0;
inline constexpr double highlight_end = spin + highlight;
inline constexpr double flashing_end = highlight_end + flashes * (flash_on + flash_off);
inline constexpr double result_end = flashing_end + banner;
} // namespace spin_time

constexpr SpinPhase spin_phase(double seconds)
{
    if (seconds < spin_time::spin)
        return SpinPhase::Spinning;
    if (seconds < spin_time::highlight_end)
        return SpinPhase::Highlight;
    if (seconds < spin_time::flashing_end)
        return SpinPhase::Flashing;
    if (seconds < spin_time::result_end)
        return SpinPhase::Result;
    return SpinPhase::Done;
}

// During Flashing: whether the number is lit at `seconds`.
constexpr bool flash_lit(double seconds)
{
    double into = seconds - spin_time::highlight_end;
    double period = spin_time::flash_on + spin_time::flash_off;
    double phase = into - static_cast<double>(static_cast<int64_t>(into / period)) * period;
    return phase < spin_time::flash_on;
}

} // namespace rota
