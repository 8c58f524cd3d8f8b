#pragma once

#include <cstdint>

// Arithmetic of the local APIC timer (Intel SDM vol. 3, 11.5.4), apart from
// the registers so that host tests can check it. The timer either fires when
// the TSC reaches a value (TSC-deadline mode, 11.5.4.1, where CPUID.01H:ECX
// bit 24 says so) or counts a 32-bit initial count down at its own rate
// (one-shot mode), from which a TSC deadline has to be converted.

namespace rota {

enum class ApicTimerMode : uint8_t { TscDeadline, OneShot };

inline constexpr uint32_t cpuid1_ecx_tsc_deadline = 1u << 24;

constexpr ApicTimerMode apic_timer_mode_for(uint32_t cpuid1_ecx)
{
    return (cpuid1_ecx & cpuid1_ecx_tsc_deadline) != 0 ? ApicTimerMode::TscDeadline
                                                       : ApicTimerMode::OneShot;
}

// The one-shot initial count that expires no earlier than `delta_tsc` TSC
// ticks from now, on a timer of `timer_hz` ticks per second against a TSC of
// `tsc_hz`: rounded up (waking early only costs another arm), at least 1 (0
// stops the timer), at most 0xffffffff (a longer wait expires early and the
// timer queue arms again). Split by whole seconds so no product overflows.
constexpr uint32_t one_shot_count(uint64_t delta_tsc, uint64_t tsc_hz, uint64_t timer_hz)
{
    if (tsc_hz == 0 || timer_hz == 0)
        return 1;
    uint64_t seconds = delta_tsc / tsc_hz;
    if (seconds >= 0xffffffffull / timer_hz + 1)
        return 0xffffffffu;
    uint64_t remainder = delta_tsc % tsc_hz;
    uint64_t count = seconds * timer_hz + (remainder * timer_hz + tsc_hz - 1) / tsc_hz;
    if (count > 0xffffffffull)
        return 0xffffffffu;
    return count == 0 ? 1 : uint32_t(count);
}

static_assert(one_shot_count(0, 3'000'000'000, 62'500'000) == 1);
static_assert(one_shot_count(3'000'000'000, 3'000'000'000, 62'500'000) == 62'500'000);
static_assert(one_shot_count(1, 3'000'000'000, 62'500'000) == 1); // rounded up
static_assert(one_shot_count(~0ull, 3'000'000'000, 62'500'000) == 0xffffffffu);

} // namespace rota
