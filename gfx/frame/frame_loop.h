#pragma once

#include <cstdint>
#include <optional>

#include "core/config/config.h"
#include "core/log/diagnostic_sink.h"
#include "gfx/display/screen.h"
#include "gfx/frame/frame_stats.h"
#include "gfx/scene.h"

// The frame loop: draw the damage, present it, account for it (the per-frame
// "[VIRTIO PERF]" line, a "[frame]" line every second; docs/serial.md), and
// pace to `fps=`. It draws on whatever display the Screen has: when a present
// fails the screen fails over and the loop redraws the whole scene on the new
// display; a frame that was not presented is not counted. Pure: time comes
// from an injected FrameClock, lines go to a DiagnosticSink.

namespace rota {

// What the loop needs of the configuration.
struct FrameLoopOptions {
    uint64_t frames {0}; // stop after this many presented frames (0: when the scene finishes)
    uint32_t fps {60}; // pacing target (0: as fast as possible)
    bool perframe {true}; // a "[VIRTIO PERF]" line per frame
    bool full_present {false}; // debug=full-present: the whole screen every frame
    bool present_only {false}; // debug=present-only: re-present the last damage, no drawing
    bool frame_times {false}; // debug=frame-times: a "[frametime]" line per frame
    // The frame clock's time when the kernel started (negative: before the
    // clock itself started). When set, the first presented frame logs
    // "[boot] first_frame_ms=", the time from kernel entry to the screen.
    std::optional<int64_t> boot_started_ns;

    static FrameLoopOptions from(const Config& config);
};

class FrameClock {
public:
    virtual uint64_t now_ns() = 0;
    // Returns at or after `deadline_ns`; the kernel drains the log meanwhile,
    // so the UART's time comes out of the frame's slack.
    virtual void wait_until(uint64_t deadline_ns) = 0;
    // Between frames with no time to wait: the log gets its turn.
    virtual void idle() = 0;

protected:
    ~FrameClock() = default;
};

enum class FrameLoopStop {
    Done, // the frame limit was reached or the scene finished
    Headless, // no display is left
    DisplayChanged, // the display was replaced by one of another size
};

class FrameLoop {
public:
    FrameLoop(Screen& screen, FrameStats& stats, const FrameLoopOptions& options, FrameClock& clock,
        DiagnosticSink& log);

    // Runs `scene`, laid out for the screen's mode at this call, until one of
    // FrameLoopStop. After DisplayChanged the caller lays out a new scene for
    // screen.mode() and runs again; the frame count and statistics go on.
    FrameLoopStop run(Scene& scene);

    // Over every run since construction.
    FrameSummary summary() const { return m_stats.total(); }
    uint64_t elapsed_ns() { return m_clock.now_ns() - m_start_ns; }
    uint64_t frames() const { return m_stats.frames(); }

private:
    bool limit_reached() const;
    void report_second(uint64_t now_ns);

    Screen& m_screen;
    FrameStats& m_stats;
    FrameLoopOptions m_options;
    FrameClock& m_clock;
    DiagnosticSink& m_log;
    uint64_t m_start_ns;
    uint64_t m_interval_start_ns;
    uint64_t m_interval_frames {0};
};

} // namespace rota
