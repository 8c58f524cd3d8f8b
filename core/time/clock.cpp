#include "core/time/clock.h"

#include "core/cpu/x86.h"
#include "core/log/log.h"
#include "core/time/tsc_math.h"

namespace rota {

namespace {

constexpr uint64_t pit_hz = 1'193'182;
constexpr uint16_t pit_channel2_data = 0x42;
constexpr uint16_t pit_command = 0x43;
constexpr uint16_t nmi_status_control = 0x61; // bit 0: channel 2 gate, bit 1: speaker
constexpr uint64_t window_ticks = pit_hz / 50;  // 20 ms per measurement
constexpr int wanted_samples = 5;
constexpr int max_attempts = 20;
// A bracket wider than this share of the window means the vCPU (or an SMI)
// interrupted the reading: the sample is thrown away.
constexpr uint64_t max_error_ppm = 200;
// Polls without the counter moving before we decide there is no PIT.
constexpr uint64_t max_stalled_polls = 1'000'000;

constinit TscScale g_scale;
constinit uint64_t g_epoch = 0;

// Channel 2 as a free-running 16-bit down-counter (mode 2, reload 65536): the
// gate is ours (port 0x61) and nothing else uses the channel.
void start_pit_channel2()
{
    uint8_t control = x86::inb(nmi_status_control);
    x86::outb(nmi_status_control, static_cast<uint8_t>((control & ~0x02) | 0x01)); // gate on, speaker off
    x86::outb(pit_command, 0xb4); // channel 2, lobyte/hibyte, mode 2, binary
    x86::outb(pit_channel2_data, 0);
    x86::outb(pit_channel2_data, 0);
}

BracketedReading read_pit_channel2()
{
    BracketedReading reading;
    reading.tsc_before = x86::rdtsc_ordered();
    x86::outb(pit_command, 0x80); // latch channel 2's count
    uint8_t low = x86::inb(pit_channel2_data);
    uint8_t high = x86::inb(pit_channel2_data);
    reading.tsc_after = x86::rdtsc_ordered();
    reading.count = static_cast<uint64_t>(high) << 8 | low;
    return reading;
}

// One measurement over `window_ticks` of the PIT. Error::Unsupported when the
// counter does not move (no PIT), Error::Busy when a reading was disturbed.
Expected<uint64_t> measure_against_pit()
{
    BracketedReading start = read_pit_channel2();
    BracketedReading previous = start;
    uint64_t elapsed = 0;
    uint64_t stalled = 0;
    while (elapsed < window_ticks) {
        BracketedReading now = read_pit_channel2();
        uint64_t step = counter_delta(now.count, previous.count, 16);
        if (step == 0 && ++stalled > max_stalled_polls)
            return make_error(Error::Unsupported);
        elapsed += step;
        previous = now;
    }
    // The window is shorter than the counter's 55 ms period, so the end
    // reading is within one wrap of the start, as tsc_hz_from_readings needs.
    return tsc_hz_from_readings(start, previous, pit_hz, 16, max_error_ppm);
}

// CPUID leaf 0x15 (TSC/crystal ratio) with 0x16 (base MHz) as a cross-check,
// for machines without a PIT. Intel SDM vol. 2A, CPUID.
uint64_t tsc_hz_from_cpuid()
{
    if (x86::cpuid(0).eax < 0x15)
        return 0;
    auto leaf = x86::cpuid(0x15);
    if (leaf.eax != 0 && leaf.ebx != 0 && leaf.ecx != 0)
        return static_cast<uint64_t>(leaf.ecx) * leaf.ebx / leaf.eax;
    if (x86::cpuid(0).eax >= 0x16 && (x86::cpuid(0x16).eax & 0xffff) != 0)
        return static_cast<uint64_t>(x86::cpuid(0x16).eax & 0xffff) * 1'000'000;
    return 0;
}

} // namespace

ClockCalibration clock_calibrate()
{
    uint64_t samples[wanted_samples];
    int measured = 0;
    int attempts = 0;
    bool pit_missing = false;
    start_pit_channel2();
    while (measured < wanted_samples && attempts < max_attempts && !pit_missing) {
        ++attempts;
        auto hz = measure_against_pit();
        if (hz.has_value())
            samples[measured++] = hz.value();
        else
            pit_missing = hz.error() == Error::Unsupported;
    }

    ClockCalibration result { median(std::span(samples, measured)), ClockSource::Pit };
    if (measured == 0) {
        klog("[time] pit %s: trying cpuid", pit_missing ? "does not count" : "readings were all disturbed");
        result = { tsc_hz_from_cpuid(), ClockSource::Cpuid };
    }
    if (result.tsc_hz == 0) {
        result = { 2'000'000'000, ClockSource::Assumed };
        klog("[time] no way to measure the tsc: assuming 2000 MHz, timings will be wrong");
    }

    g_scale = TscScale(result.tsc_hz);
    g_epoch = x86::rdtsc();
    // The spread of the accepted samples says how far to trust the figure.
    uint64_t spread_ppm = 0;
    if (measured > 1 && result.source == ClockSource::Pit)
        spread_ppm = (samples[measured - 1] - samples[0]) / (result.tsc_hz / 1'000'000);
    static constexpr const char* names[] = { "pit", "cpuid", "assumed" };
    klog("[time] tsc_mhz=%lu.%03lu source=%s samples=%d/%d spread_ppm=%lu", result.tsc_hz / 1'000'000,
        result.tsc_hz / 1'000 % 1'000, names[static_cast<int>(result.source)], measured, attempts, spread_ppm);
    return result;
}

uint64_t clock_tsc_hz() { return g_scale.hz(); }
uint64_t clock_ticks_to_ns(uint64_t ticks) { return g_scale.to_ns(ticks); }
uint64_t clock_ns_to_ticks(uint64_t ns) { return g_scale.from_ns(ns); }
uint64_t clock_now_ns() { return g_scale.to_ns(x86::rdtsc() - g_epoch); }

void clock_delay_us(uint64_t us)
{
    uint64_t end = x86::rdtsc() + g_scale.from_ns(us * 1000);
    while (x86::rdtsc() < end)
        x86::pause();
}

} // namespace rota
