#include "gfx/frame/frame_loop.h"

#include "core/lib/format.h"
#include "virtio/queue/perf_line.h"

namespace rota {

namespace {

constexpr uint64_t report_interval_ns = 1'000'000'000;

bool same_mode(DisplayMode a, DisplayMode b)
{
    return a.width == b.width && a.height == b.height;
}

Rect screen_rect(DisplayMode mode)
{
    return {0, 0, int32_t(mode.width), int32_t(mode.height)};
}

} // namespace

FrameLoopOptions FrameLoopOptions::from(const Config& config)
{
    FrameLoopOptions options;
    options.frames = config.frames;
    options.fps = config.fps;
    options.perframe = config.perframe;
    options.full_present = (config.debug & DebugFullPresent) != 0;
    options.present_only = (config.debug & DebugPresentOnly) != 0;
    options.frame_times = (config.debug & DebugFrameTimes) != 0;
    return options;
}

FrameLoop::FrameLoop(Screen& screen, FrameStats& stats, const FrameLoopOptions& options,
    FrameClock& clock, DiagnosticSink& log)
    : m_screen(screen)
    , m_stats(stats)
    , m_options(options)
    , m_clock(clock)
    , m_log(log)
    , m_start_ns(clock.now_ns())
    , m_interval_start_ns(m_start_ns)
{
}

bool FrameLoop::limit_reached() const
{
    return m_options.frames != 0 && m_stats.frames() >= m_options.frames;
}

void FrameLoop::report_second(uint64_t now_ns)
{
    uint64_t interval = now_ns - m_interval_start_ns;
    FrameSummary s = m_stats.recent();
    char line[160];
    format(line, sizeof line, "[frame] n=%lu fps=%s p50_ms=%s p99_ms=%s render_ms=%s present_ms=%s",
        m_stats.frames(), fps_text(m_interval_frames, interval).text, ms_text(s.p50_ns).text,
        ms_text(s.p99_ns).text, ms_text(s.mean_render_ns).text, ms_text(s.mean_present_ns).text);
    m_log.report(line);
    m_interval_start_ns = now_ns;
    m_interval_frames = 0;
}

FrameLoopStop FrameLoop::run(Scene& scene)
{
    uint64_t period_ns = m_options.fps == 0 ? 0 : 1'000'000'000ull / m_options.fps;
    const DisplayMode scene_mode = m_screen.mode();
    bool full = true;
    // debug=present-only: the damage of the last drawn frame, presented again
    // every frame without drawing: what the device alone can do.
    Damage last_drawn;

    while (!limit_reached()) {
        Display* display = m_screen.display();
        if (display == nullptr)
            return FrameLoopStop::Headless;
        if (!same_mode(display->mode(), scene_mode))
            return FrameLoopStop::DisplayChanged;

        uint64_t frame = m_stats.frames();
        uint64_t frame_start = m_clock.now_ns();
        Damage damage(screen_rect(scene_mode));
        // Time spent waiting for the device to release the back buffer counts
        // as presenting, not rendering.
        auto shown = display->begin_frame();
        uint64_t render_start = m_clock.now_ns();
        uint64_t render_end = render_start;
        uint64_t changed_px = 0; // what the scene damaged, before full-present widens it
        if (shown.has_value()) {
            Surface target = display->back_buffer();
            if (m_options.present_only && !full && !last_drawn.empty()) {
                damage = last_drawn;
            } else {
                scene.draw(target, frame, frame_start - m_start_ns, full, damage);
                // Remember a frame that is not the first full one: the steady state.
                if (!full && !damage.empty())
                    last_drawn = damage;
            }
            render_end = m_clock.now_ns();
            changed_px = uint64_t(damage.area());
            if (m_options.full_present)
                damage.add_all();
            shown = display->present(damage);
        }
        if (shown.is_error()) {
            // Not a frame: nothing reached the screen. The next display gets
            // the whole scene.
            m_screen.fail_over();
            full = true;
            continue;
        }
        full = false;
        uint64_t present_end = m_clock.now_ns();
        virtio::QueueCounters counters = display->take_counters();
        if (m_options.perframe) {
            char line[128];
            virtio::virtio_perf_line(line, sizeof line, counters);
            m_log.report(line);
        }

        if (m_options.boot_started_ns.has_value() && m_stats.frames() == 0) {
            char line[48];
            int64_t since_boot = int64_t(present_end) - *m_options.boot_started_ns;
            format(line, sizeof line, "[boot] first_frame_ms=%ld", since_boot / 1'000'000);
            m_log.report(line);
        }
        ++m_interval_frames;
        if (present_end - m_interval_start_ns >= report_interval_ns)
            report_second(present_end);
        bool last = (m_options.frames != 0 && frame + 1 >= m_options.frames) || scene.finished();
        if (period_ns != 0 && !last)
            m_clock.wait_until(frame_start + period_ns);
        else
            m_clock.idle();
        uint64_t frame_end = m_clock.now_ns();
        m_stats.record({frame_end - frame_start, render_end - render_start,
            present_end - render_end + render_start - frame_start, counters, changed_px});
        if (m_options.frame_times) {
            char line[64];
            format(line, sizeof line, "[frametime] n=%lu ms=%s", frame,
                ms_text(frame_end - frame_start).text);
            m_log.report(line);
        }
        if (scene.finished())
            return FrameLoopStop::Done;
    }
    return FrameLoopStop::Done;
}

} // namespace rota
