#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/lib/expected.h"

// The arithmetic of the TSC clock, kept apart from the hardware so it can be
// tested on the host: frequency from a measurement against a reference timer of
// known frequency, a robust choice among several measurements, and conversion of
// TSC ticks to time without 128-bit division (the kernel links no libgcc).

namespace rota {

// TSC frequency in Hz given that `tsc_delta` TSC ticks elapsed while a reference
// timer running at `reference_hz` advanced by `reference_ticks`. 0 when the
// measurement is meaningless (no reference ticks).
uint64_t tsc_hz_from_reference(uint64_t tsc_delta, uint64_t reference_ticks, uint64_t reference_hz);

// One reading of a reference timer, bracketed by TSC reads. The reading
// happened somewhere between the two; a vCPU preempted during the read shows
// up as a wide bracket.
struct BracketedReading {
    uint64_t tsc_before;
    uint64_t tsc_after;
    uint64_t count; // the timer's counter
};

// The PIT counts down; the ACPI PM timer (ACPI 6.5 section 4.8.3.3) counts up.
enum class CounterDirection { Down, Up };

// TSC frequency from two bracketed readings of a counter running at
// `reference_hz` that is `bits` wide and counts in `direction`. Error::Busy
// when either bracket is wider than `max_error_ppm` of the interval (the
// measurement cannot be trusted to that precision: take another),
// Error::InvalidArgument when no time passed.
Expected<uint64_t> tsc_hz_from_readings(const BracketedReading& start, const BracketedReading& end,
    uint64_t reference_hz, unsigned bits, uint64_t max_error_ppm,
    CounterDirection direction = CounterDirection::Down);

// The median of the samples (sorted in place); one preempted measurement among
// several cannot move it. 0 for no samples.
uint64_t median(std::span<uint64_t> samples);

// Ticks elapsed on a free-running up-counter `bits` wide (the ACPI PM timer is
// 24 or 32 bits, ACPI 6.5 section 4.8.3.3) from `start` to `end`, across one wrap.
uint64_t counter_delta(uint64_t start, uint64_t end, unsigned bits);

// Converts TSC ticks to nanoseconds as (ticks * mult) >> 32, mult chosen once
// from the frequency. Exact to well under one part per million.
class TscScale {
public:
    constexpr TscScale() = default;
    explicit TscScale(uint64_t tsc_hz);

    uint64_t hz() const { return m_hz; }
    uint64_t to_ns(uint64_t ticks) const;
    uint64_t from_ns(uint64_t ns) const;

private:
    uint64_t m_hz {0};
    uint64_t m_ns_mult {0}; // ns per tick, 32.32 fixed point
};

} // namespace rota
