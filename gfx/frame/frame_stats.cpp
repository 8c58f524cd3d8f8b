#include "gfx/frame/frame_stats.h"

#include <algorithm>

#include "core/lib/format.h"
#include "core/lib/percentile.h"

namespace rota {

namespace {

constexpr uint64_t bucket_ns = 250'000;

// The means and the counters of a summary, from the sums over `frames`.
void fill_means(FrameSummary& s, const FrameSample& sum, uint64_t frames)
{
    s.mean_render_ns = sum.render_ns / frames;
    s.mean_present_ns = sum.present_ns / frames;
    s.mean_damage_px = sum.damage_px / frames;
    s.counters = sum.counters;
}

} // namespace

void FrameStats::record(const FrameSample& sample)
{
    m_ring[m_frames % window] = sample;
    ++m_frames;
    m_sum.frame_ns += sample.frame_ns;
    m_sum.render_ns += sample.render_ns;
    m_sum.present_ns += sample.present_ns;
    m_sum.counters += sample.counters;
    m_sum.damage_px += sample.damage_px;
    size_t bucket = std::min<uint64_t>(sample.frame_ns / bucket_ns, buckets - 1);
    ++m_histogram[bucket];
}

FrameSummary FrameStats::recent() const
{
    size_t count = m_frames < window ? static_cast<size_t>(m_frames) : window;
    FrameSummary s {};
    s.frames = count;
    if (count == 0)
        return s;
    uint64_t times[window];
    FrameSample sum {};
    for (size_t i = 0; i < count; ++i) {
        const FrameSample& f = m_ring[i];
        times[i] = f.frame_ns;
        sum.render_ns += f.render_ns;
        sum.present_ns += f.present_ns;
        sum.counters += f.counters;
        sum.damage_px += f.damage_px;
    }
    Percentiles p = median_and_p99(std::span(times, count));
    s.p50_ns = p.p50;
    s.p99_ns = p.p99;
    fill_means(s, sum, count);
    return s;
}

FrameSummary FrameStats::total() const
{
    FrameSummary s {};
    s.frames = m_frames;
    if (m_frames == 0)
        return s;
    // Percentiles from the histogram: the upper edge of the bucket that holds
    // the rank (0.25 ms resolution over a whole run).
    auto percentile = [&](uint64_t rank) {
        uint64_t seen = 0;
        for (size_t b = 0; b < buckets; ++b) {
            seen += m_histogram[b];
            if (seen > rank)
                return (b + 1) * bucket_ns;
        }
        return buckets * bucket_ns;
    };
    s.p50_ns = percentile(percentile_rank(m_frames, 50));
    s.p99_ns = percentile(percentile_rank(m_frames, 99));
    fill_means(s, m_sum, m_frames);
    return s;
}

uint64_t FrameStats::recent_frame_ns(size_t i) const
{
    if (i >= m_frames || i >= window)
        return 0;
    return m_ring[(m_frames - 1 - i) % window].frame_ns;
}

MsText ms_text(uint64_t ns)
{
    MsText t;
    uint64_t tenths = (ns + 50'000) / 100'000;
    format(t.text, sizeof t.text, "%lu.%lu", tenths / 10, tenths % 10);
    return t;
}

MsText ms_hundredths_text(uint64_t ns)
{
    return hundredths_text((ns + 5'000) / 10'000);
}

MsText fps_text(uint64_t frames, uint64_t elapsed_ns)
{
    MsText t;
    uint64_t tenths = elapsed_ns == 0 ? 0 : frames * 10'000'000'000ull / elapsed_ns;
    format(t.text, sizeof t.text, "%lu.%lu", tenths / 10, tenths % 10);
    return t;
}

MsText hundredths_text(uint64_t value_x100)
{
    MsText t;
    format(t.text, sizeof t.text, "%lu.%02lu", value_x100 / 100, value_x100 % 100);
    return t;
}

} // namespace rota
