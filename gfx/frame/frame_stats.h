#pragma once

#include <cstddef>
#include <cstdint>

#include "virtio/queue/queue_counters.h"

// Frame-time statistics for the "[frame]" and "[summary]" lines
// (docs/serial.md): percentiles over the most recent frames and running totals. Pure.

namespace rota {

struct FrameSample {
    uint64_t frame_ns; // start of this frame to start of the next
    uint64_t render_ns; // drawing the damage
    uint64_t present_ns; // handing it to the display
    virtio::QueueCounters counters; // what presenting it cost in virtqueue work
    uint64_t damage_px; // pixels the frame changed (its damage's area)
};

struct FrameSummary {
    uint64_t frames;
    uint64_t p50_ns, p99_ns;
    uint64_t mean_render_ns, mean_present_ns;
    uint64_t mean_damage_px;
    virtio::QueueCounters counters; // summed over the frames summarised

    // One of `counters` per frame, in hundredths (300: 3.00 a frame).
    uint64_t per_frame_x100(uint64_t total) const { return frames == 0 ? 0 : total * 100 / frames; }
};

class FrameStats {
public:
    static constexpr size_t window = 1024;

    void record(const FrameSample& sample);
    // Over the last `window` frames (or fewer).
    FrameSummary recent() const;
    // Over every frame recorded.
    FrameSummary total() const;
    uint64_t frames() const { return m_frames; }
    // The frame time of the i-th most recent frame (0 = newest), for the graph.
    uint64_t recent_frame_ns(size_t i) const;

private:
    FrameSample m_ring[window] {};
    uint64_t m_frames {0};
    FrameSample m_sum {};
    // For the whole run's percentiles: a coarse histogram in 0.25 ms buckets.
    static constexpr size_t buckets = 400; // 0..100 ms, the last also holds longer frames
    uint32_t m_histogram[buckets] {};
};

// "13.2": milliseconds with one decimal, from nanoseconds.
struct MsText {
    char text[24];
};
MsText ms_text(uint64_t ns);
// "0.62": milliseconds with two decimals, from nanoseconds: for means of a
// millisecond or less, where one decimal would be a sixth of the figure.
MsText ms_hundredths_text(uint64_t ns);
// "71.8": frames per second with one decimal.
MsText fps_text(uint64_t frames, uint64_t elapsed_ns);
// "3.00": a per-frame figure in hundredths.
MsText hundredths_text(uint64_t value_x100);

} // namespace rota
