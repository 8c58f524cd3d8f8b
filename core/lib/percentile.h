#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

// Percentiles the way every rota line that prints one (p50_ms, p99_us, ...)
// reads them: of n samples in ascending order, the p-th percentile is the one
// at index n * p / 100 (the nearest rank at or below; always below n).

namespace rota {

// The index of the p-th percentile among `count` sorted samples (count > 0).
constexpr uint64_t percentile_rank(uint64_t count, unsigned percent)
{
    return count * percent / 100;
}

// The p-th percentile of `sorted` (ascending); 0 when there are no samples.
constexpr uint64_t percentile_of_sorted(std::span<const uint64_t> sorted, unsigned percent)
{
    return sorted.empty() ? 0 : sorted[percentile_rank(sorted.size(), percent)];
}

struct Percentiles {
    uint64_t p50;
    uint64_t p99;
};

// Sorts `samples` in place and reads their median and 99th percentile.
inline Percentiles median_and_p99(std::span<uint64_t> samples)
{
    std::sort(samples.begin(), samples.end());
    return {percentile_of_sorted(samples, 50), percentile_of_sorted(samples, 99)};
}

} // namespace rota
