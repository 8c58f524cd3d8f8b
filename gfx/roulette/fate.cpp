#include "gfx/roulette/fate.h"

#include "core/lib/math.h"

namespace rota {

uint32_t FateGenerator::next_fate()
{
    // The high half of each output (tests/e2e/roulette_cases.py predicts the
    // fates of a seed the same way).
    return static_cast<uint32_t>(m_random.next() >> 32);
}

int target_wedge(uint32_t fate)
{
    int wedge = static_cast<int>(fate % wedge_count);
    if (wedge_is_coloured(wedge) != fate_wins(fate))
        wedge = (wedge + 1) % wedge_count;
    return wedge;
}

int wedge_at_pointer(double rotation)
{
    // The pointer sees the point of the wheel at -rotation (wheel coordinates).
    double at = -rotation;
    at -= floor_double(at);
    int wedge = static_cast<int>(at * wedge_count);
    return wedge < wedge_count ? wedge : wedge_count - 1;
}

SpinPlan SpinPlan::toward(double start, int target)
{
    // The target's middle is under the pointer when the rotation is
    // -(target + 0.5) / 12 (mod 1).
    double wanted = -(target + 0.5) / wedge_count;
    double distance = wanted - start;
    distance -= floor_double(distance); // forward only: [0, 1)
    return {start, full_turns_per_spin + distance, target};
}

double SpinPlan::rotation_at(double seconds) const
{
    double p = seconds <= 0 ? 0.0 : seconds >= spin_seconds ? 1.0 : seconds / spin_seconds;
    return start + total * p * (2.0 - p);
}

} // namespace rota
