#pragma once

#include <cstdint>

// The kernel's clock: the TSC, calibrated once at boot against the PIT (a
// fixed 1.193182 MHz timer every PC has or emulates; the ACPI PM timer takes
// over when the ACPI tables are parsed). All timeouts and frame times use it.

namespace rota {

enum class ClockSource { Pit, Cpuid, Assumed };

struct ClockCalibration {
    uint64_t tsc_hz;
    ClockSource source;
};

// Measures the TSC frequency (median of several 10 ms windows) and logs it.
ClockCalibration clock_calibrate();

uint64_t clock_tsc_hz();
uint64_t clock_ticks_to_ns(uint64_t ticks);
uint64_t clock_ns_to_ticks(uint64_t ns);
// Nanoseconds since the kernel started its clock.
uint64_t clock_now_ns();
// Busy-waits (with pause) for at least `us` microseconds.
void clock_delay_us(uint64_t us);

} // namespace rota
