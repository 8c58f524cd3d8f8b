#include "core/time/tsc_math.h"

#include <algorithm>

namespace rota {

uint64_t tsc_hz_from_reference(uint64_t tsc_delta, uint64_t reference_ticks, uint64_t reference_hz)
{
    if (reference_ticks == 0)
        return 0;
    uint64_t product;
    if (!__builtin_mul_overflow(tsc_delta, reference_hz, &product))
        return product / reference_ticks;
    // Only for measurements hours long: divide first, losing a little precision.
    return tsc_delta / reference_ticks * reference_hz;
}

Expected<uint64_t> tsc_hz_from_readings(const BracketedReading& start, const BracketedReading& end,
    uint64_t reference_hz, unsigned bits, uint64_t max_error_ppm, CounterDirection direction)
{
    uint64_t reference_ticks = direction == CounterDirection::Down
        ? counter_delta(end.count, start.count, bits)
        : counter_delta(start.count, end.count, bits);
    if (reference_ticks == 0 || end.tsc_before <= start.tsc_after)
        return make_error(Error::InvalidArgument);
    // The interval is measured between bracket midpoints; each endpoint is
    // uncertain by half its bracket.
    uint64_t start_mid = start.tsc_before + (start.tsc_after - start.tsc_before) / 2;
    uint64_t end_mid = end.tsc_before + (end.tsc_after - end.tsc_before) / 2;
    uint64_t interval = end_mid - start_mid;
    uint64_t uncertainty
        = (start.tsc_after - start.tsc_before + end.tsc_after - end.tsc_before) / 2;
    using Wide = unsigned __int128; // products only: no 128-bit division in the kernel
    if (static_cast<Wide>(uncertainty) * 1'000'000 > static_cast<Wide>(interval) * max_error_ppm)
        return make_error(Error::Busy);
    return tsc_hz_from_reference(interval, reference_ticks, reference_hz);
}

uint64_t median(std::span<uint64_t> samples)
{
    if (samples.empty())
        return 0;
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2];
}

uint64_t counter_delta(uint64_t start, uint64_t end, unsigned bits)
{
    uint64_t mask = bits >= 64 ? ~0ull : (1ull << bits) - 1;
    return (end - start) & mask;
}

TscScale::TscScale(uint64_t tsc_hz)
    : m_hz(tsc_hz)
    , m_ns_mult(tsc_hz == 0 ? 0 : (1'000'000'000ull << 32) / tsc_hz)
{
}

uint64_t TscScale::to_ns(uint64_t ticks) const
{
    return static_cast<uint64_t>((static_cast<unsigned __int128>(ticks) * m_ns_mult) >> 32);
}

uint64_t TscScale::from_ns(uint64_t ns) const
{
    // ns * hz / 1e9 split so the product cannot overflow for any 64-bit ns.
    return ns / 1'000'000'000ull * m_hz + ns % 1'000'000'000ull * m_hz / 1'000'000'000ull;
}

} // namespace rota
