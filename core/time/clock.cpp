#include "core/time/clock.h"

#include "core/cpu/io_space.h"
#include "core/cpu/x86.h"
#include "core/log/log.h"
#include "core/time/tsc_math.h"

namespace rota {

namespace {

constexpr uint64_t pit_hz = 1'193'182;
constexpr uint16_t pit_channel2_data = 0x42;
constexpr uint16_t pit_command = 0x43;
constexpr uint16_t nmi_status_control = 0x61; // bit 0: channel 2 gate, bit 1: speaker
// Three windows of 8 ms: the median of three already ignores one disturbed
// window, and 500 ppm (a 4 us bracket) is far finer than anything rota times
// (a 7.2 s spin is then right to 4 ms). Longer windows only delay the boot.
constexpr int wanted_samples = 3;
constexpr int max_attempts = 12;
constexpr uint64_t windows_per_second = 125;
// A bracket wider than this share of the window means the vCPU (or an SMI)
// interrupted the reading: the sample is thrown away.
constexpr uint64_t max_error_ppm = 500;
// Polls without the counter moving before we decide the timer is not there.
constexpr uint64_t max_stalled_polls = 1'000'000;

constinit TscScale g_scale;
constinit uint64_t g_epoch = 0;

// Channel 2 as a free-running 16-bit down-counter (mode 2, reload 65536): the
// gate is ours (port 0x61) and nothing else uses the channel.
void start_pit_channel2()
{
    uint8_t control = x86::inb(nmi_status_control);
    x86::outb(
        nmi_status_control, static_cast<uint8_t>((control & ~0x02) | 0x01)); // gate on, speaker off
    x86::outb(pit_command, 0xb4); // channel 2, lobyte/hibyte, mode 2, binary
    x86::outb(pit_channel2_data, 0);
    x86::outb(pit_channel2_data, 0);
}

uint64_t read_pit_channel2_count()
{
    x86::outb(pit_command, 0x80); // latch channel 2's count
    uint8_t low = x86::inb(pit_channel2_data);
    uint8_t high = x86::inb(pit_channel2_data);
    return static_cast<uint64_t>(high) << 8 | low;
}

// The timer the TSC is measured against: the PIT's channel 2, or the ACPI PM
// timer the FADT names (port or memory mapped).
struct ReferenceTimer {
    uint64_t hz;
    unsigned bits;
    CounterDirection direction;
    std::optional<PmTimer> pm_timer; // empty: the PIT

    uint64_t read_count() const
    {
        if (!pm_timer)
            return read_pit_channel2_count();
        uint32_t value;
        if (pm_timer->space == AddressSpace::SystemIo)
            value = PortIoSpace(static_cast<uint16_t>(pm_timer->address))
                        .read(Register<uint32_t> {0});
        else
            value = *VirtAddr(pm_timer->address).as<const volatile uint32_t>();
        // A 24-bit timer's top byte is reserved (ACPI 6.5 section 4.8.3.3).
        return value & ((1ull << bits) - 1);
    }

    BracketedReading read() const
    {
        BracketedReading reading;
        reading.tsc_before = x86::rdtsc_ordered();
        reading.count = read_count();
        reading.tsc_after = x86::rdtsc_ordered();
        return reading;
    }
};

constexpr ReferenceTimer pit_timer {pit_hz, 16, CounterDirection::Down, std::nullopt};

// One measurement over 8 ms of the reference timer. Error::Unsupported when
// the counter does not move (no such timer), Error::Busy when a reading was
// disturbed.
Expected<uint64_t> measure_against(const ReferenceTimer& timer)
{
    uint64_t window_ticks = timer.hz / windows_per_second;
    BracketedReading start = timer.read();
    BracketedReading previous = start;
    uint64_t elapsed = 0;
    uint64_t stalled = 0;
    while (elapsed < window_ticks) {
        BracketedReading now = timer.read();
        uint64_t step = timer.direction == CounterDirection::Down
            ? counter_delta(now.count, previous.count, timer.bits)
            : counter_delta(previous.count, now.count, timer.bits);
        if (step == 0 && ++stalled > max_stalled_polls)
            return make_error(Error::Unsupported);
        elapsed += step;
        previous = now;
    }
    // The window is shorter than the counter's period (55 ms for the PIT,
    // 4.7 s for a 24-bit PM timer), so the end reading is within one wrap of
    // the start, as tsc_hz_from_readings needs.
    return tsc_hz_from_readings(
        start, previous, timer.hz, timer.bits, max_error_ppm, timer.direction);
}

struct Measurement {
    uint64_t samples[wanted_samples] {};
    int measured = 0;
    int attempts = 0;
    bool timer_missing = false;
};

void measure(const ReferenceTimer& timer, Measurement& m)
{
    while (m.measured < wanted_samples && m.attempts < max_attempts && !m.timer_missing) {
        ++m.attempts;
        auto hz = measure_against(timer);
        if (hz.has_value())
            m.samples[m.measured++] = hz.value();
        else
            m.timer_missing = hz.error() == Error::Unsupported;
    }
}

// CPUID leaf 0x15: the TSC's ratio to the core crystal clock and, when the
// CPU states it, the crystal's frequency (Intel SDM vol. 2A, CPUID, leaf 15H:
// TSC = ECX * EBX / EAX). Only a complete answer is a frequency; 0 otherwise.
uint64_t tsc_hz_from_crystal()
{
    if (x86::cpuid(0).eax < 0x15)
        return 0;
    auto leaf = x86::cpuid(0x15);
    if (leaf.eax == 0 || leaf.ebx == 0 || leaf.ecx == 0)
        return 0;
    return static_cast<uint64_t>(leaf.ecx) * leaf.ebx / leaf.eax;
}

// CPUID leaf 0x16's base frequency in MHz: the nominal clock, close to the
// TSC's on the CPUs that have the leaf, for machines with no timer to measure.
uint64_t tsc_hz_from_base_frequency()
{
    if (x86::cpuid(0).eax < 0x16)
        return 0;
    return static_cast<uint64_t>(x86::cpuid(0x16).eax & 0xffff) * 1'000'000;
}

// Starts the clock at `result` and logs how it was found.
ClockCalibration finish(ClockCalibration result, Measurement& m)
{
    g_scale = TscScale(result.tsc_hz);
    g_epoch = x86::rdtsc();
    // The spread of the accepted samples says how far to trust the figure
    // (median() sorted them).
    uint64_t spread_ppm = 0;
    if (m.measured > 1)
        spread_ppm = (m.samples[m.measured - 1] - m.samples[0]) / (result.tsc_hz / 1'000'000);
    static constexpr const char* names[] = {"acpi-pm", "pit", "cpuid", "assumed"};
    klog("[time] tsc_mhz=%lu.%03lu source=%s samples=%d/%d spread_ppm=%lu",
        result.tsc_hz / 1'000'000, result.tsc_hz / 1'000 % 1'000,
        names[static_cast<int>(result.source)], m.measured, m.attempts, spread_ppm);
    return result;
}

} // namespace

ClockCalibration clock_calibrate(const std::optional<PmTimer>& pm_timer)
{
    Measurement m;
    ClockSource source = ClockSource::AcpiPm;
    // A CPU that states its TSC's frequency needs no measurement at all.
    if (uint64_t hz = tsc_hz_from_crystal())
        return finish({hz, ClockSource::Cpuid}, m);
    if (pm_timer) {
        // The PM timer runs at three times the PIT's rate and is read with one
        // port access instead of three: a tighter bracket (ACPI 6.5 4.8.3.3).
        measure({PmTimer::frequency_hz, pm_timer->bits, CounterDirection::Up, pm_timer}, m);
        if (m.measured == 0) {
            klog("[time] acpi pm timer %s: falling back to the pit",
                m.timer_missing ? "does not count" : "readings were all disturbed");
            m = Measurement {};
        }
    }
    if (m.measured == 0) {
        source = ClockSource::Pit;
        start_pit_channel2();
        measure(pit_timer, m);
    }
    ClockCalibration result {median(std::span(m.samples, m.measured)), source};
    if (m.measured == 0) {
        klog("[time] pit %s: trying cpuid",
            m.timer_missing ? "does not count" : "readings were all disturbed");
        result = {tsc_hz_from_base_frequency(), ClockSource::Cpuid};
    }
    if (result.tsc_hz == 0) {
        result = {2'000'000'000, ClockSource::Assumed};
        klog("[time] no way to measure the tsc: assuming 2000 MHz, timings will be wrong");
    }
    return finish(result, m);
}

uint64_t clock_tsc_hz()
{
    return g_scale.hz();
}
uint64_t clock_ticks_to_ns(uint64_t ticks)
{
    return g_scale.to_ns(ticks);
}
uint64_t clock_ns_to_ticks(uint64_t ns)
{
    return g_scale.from_ns(ns);
}
uint64_t clock_now_ns()
{
    return g_scale.to_ns(x86::rdtsc() - g_epoch);
}

uint64_t clock_tsc_at_ns(uint64_t ns)
{
    // "Never" (a deadline decades away) stays never instead of wrapping.
    constexpr uint64_t far_ns = 1'000'000'000'000'000'000ull;
    if (ns >= far_ns)
        return UINT64_MAX;
    return g_epoch + g_scale.from_ns(ns);
}

void clock_delay_us(uint64_t us)
{
    uint64_t end = x86::rdtsc() + g_scale.from_ns(us * 1000);
    while (x86::rdtsc() < end)
        x86::pause();
}

} // namespace rota
