#include "gfx/frame/frame_loop.h"

#include "core/cpu/x86.h"
#include "core/lib/format.h"
#include "core/log/log.h"
#include "core/time/clock.h"
#include "gfx/display/video.h"

namespace rota {

namespace {

constexpr uint64_t report_interval_ns = 1'000'000'000;

void report_second(const FrameStats& stats, uint64_t frames_in_interval, uint64_t interval_ns)
{
    FrameSummary s = stats.recent();
    klog("[frame] n=%lu fps=%s p50_ms=%s p99_ms=%s render_ms=%s present_ms=%s", stats.frames(),
        fps_text(frames_in_interval, interval_ns).text, ms_text(s.p50_ns).text,
        ms_text(s.p99_ns).text, ms_text(s.mean_render_ns).text, ms_text(s.mean_present_ns).text);
}

// Waits until `deadline` (TSC), draining the log meanwhile: the UART's time
// is taken from the frame's slack, not from drawing or presenting.
void wait_until(uint64_t deadline)
{
    while (x86::rdtsc() < deadline) {
        log_drain();
        x86::pause();
    }
}

} // namespace

FrameLoopResult run_frame_loop(
    const BootInfo& info, Display*& display, Scene& scene, FrameStats& stats)
{
    const Config& config = info.config;
    uint64_t period = config.fps == 0 ? 0 : clock_ns_to_ticks(1'000'000'000ull / config.fps);
    uint64_t start = x86::rdtsc();
    uint64_t interval_start = start;
    uint64_t interval_frames = 0;
    bool full = true;
    // debug=present-only: the damage of the last drawn frame, presented again
    // every frame without drawing: what the device alone can do.
    Damage last_drawn;
    bool present_only = (config.debug & DebugPresentOnly) != 0;
    log_set_immediate(false);

    for (uint64_t frame = 0; display != nullptr; ++frame) {
        uint64_t frame_start = x86::rdtsc();
        Damage damage(Rect {0, 0, int32_t(display->mode().width), int32_t(display->mode().height)});
        // Time spent waiting for the device to release the back buffer counts
        // as presenting, not rendering.
        auto ready = display->begin_frame();
        uint64_t render_start = x86::rdtsc();
        uint64_t render_end = render_start;
        if (ready.has_value()) {
            Surface target = display->back_buffer();
            if (present_only && !full && !last_drawn.empty()) {
                damage = last_drawn;
            } else {
                scene.draw(target, frame, clock_ticks_to_ns(frame_start - start), full, damage);
                // Remember a frame that is not the first full one: the steady state.
                if (!full && !damage.empty())
                    last_drawn = damage;
            }
            render_end = x86::rdtsc();
            if (config.debug & DebugFullPresent)
                damage.add_all();
            ready = display->present(damage);
        }
        if (ready.is_error()) {
            display = video_fail_over(info, display);
            full = true;
            continue;
        }
        full = false;
        uint64_t present_end = x86::rdtsc();
        PresentCounters counters = display->take_counters();
        if (config.perframe) {
            klog("[VIRTIO PERF] fences=%lu spins=%lu completions=%lu notifies=%lu", counters.fences,
                counters.spins, counters.completions, counters.notifies);
        }

        ++interval_frames;
        if (present_end - interval_start >= clock_ns_to_ticks(report_interval_ns)) {
            report_second(stats, interval_frames, clock_ticks_to_ns(present_end - interval_start));
            interval_start = present_end;
            interval_frames = 0;
        }
        bool last = (config.frames != 0 && frame + 1 >= config.frames) || scene.finished();
        if (period != 0 && !last)
            wait_until(frame_start + period);
        else
            log_drain();
        uint64_t frame_end = x86::rdtsc();
        stats.record({clock_ticks_to_ns(frame_end - frame_start),
            clock_ticks_to_ns(render_end - render_start),
            clock_ticks_to_ns(present_end - render_end + render_start - frame_start),
            counters.fences, counters.spins, counters.completions, counters.notifies});
        if (config.debug & DebugFrameTimes)
            klog("[frametime] n=%lu ms=%s", frame,
                ms_text(clock_ticks_to_ns(frame_end - frame_start)).text);
        if (last)
            break;
    }
    log_set_immediate(true);
    return {display != nullptr ? display->backend_name() : "none", stats.total(),
        clock_ticks_to_ns(x86::rdtsc() - start)};
}

} // namespace rota
