#pragma once

#include <cstdint>
#include <optional>

#include "core/acpi/fadt.h"

// The kernel's clock: the TSC, calibrated once at boot: from CPUID where the
// CPU states its frequency, else against the ACPI PM timer the FADT names
// (3.579545 MHz), or, without one, the PIT (a fixed 1.193182 MHz timer every PC
// has or emulates). All timeouts and frame times
// use it.

namespace rota {

enum class ClockSource { AcpiPm, Pit, Cpuid, Assumed };

struct ClockCalibration {
    uint64_t tsc_hz;
    ClockSource source;
};

// Finds the TSC frequency and logs it: from CPUID leaf 0x15 when the CPU states
// it, else measured (median of three 8 ms windows) against the ACPI PM timer
// when the FADT has one, else against the PIT.
ClockCalibration clock_calibrate(const std::optional<PmTimer>& pm_timer);

uint64_t clock_tsc_hz();
uint64_t clock_ticks_to_ns(uint64_t ticks);
uint64_t clock_ns_to_ticks(uint64_t ns);
// Nanoseconds since the kernel started its clock.
uint64_t clock_now_ns();
// The TSC value at `ns` on that clock (for timer deadlines).
uint64_t clock_tsc_at_ns(uint64_t ns);
// Busy-waits (with pause) for at least `us` microseconds.
void clock_delay_us(uint64_t us);

} // namespace rota
