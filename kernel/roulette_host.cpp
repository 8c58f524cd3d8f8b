#include "kernel/roulette_host.h"

#include <algorithm>

#include "core/lib/format.h"
#include "core/lib/percentile.h"
#include "core/log/log.h"
#include "core/time/clock.h"
#include "kernel/spin_journal.h"
#include "smp/parallel.h"
#include "smp/per_cpu.h"

namespace rota {

KernelRouletteHost::KernelRouletteHost(
    const BootInfo& info, const Screen& screen, const FrameStats& stats)
    : m_info(info)
    , m_screen(screen)
    , m_stats(stats)
{
    // The heads-up display starts with what earlier boots left in the journal.
    SpinRecord records[remembered];
    size_t count = journal_recent(std::span(records, remembered));
    for (size_t i = 0; i < count; ++i) {
        m_recent[i] = {records[i].sequence, records[i].fate, int(records[i].wedge),
            records[i].result == SpinResult::Win};
    }
    m_recent_count = int(count);
}

void KernelRouletteHost::parallel(uint64_t count, uint64_t grain, Body body, void* context)
{
    ParallelStats stats = parallel_for(count, grain, body, context);
    m_parallel.jobs += 1;
    m_parallel.participants += stats.participants;
    m_parallel.items += count;
    m_parallel.caller_items += stats.caller_items;
    m_parallel.dispatch_ticks += stats.dispatch_ticks;
}

void KernelRouletteHost::report_parallel() const
{
    const auto& p = m_parallel;
    uint64_t jobs = p.jobs ? p.jobs : 1;
    klog("[smp] render jobs=%lu cpus_per_job=%s caller_share_pct=%lu join_us=%lu", p.jobs,
        hundredths_text(p.participants * 100 / jobs).text,
        p.items ? p.caller_items * 100 / p.items : 0,
        clock_ticks_to_ns(p.dispatch_ticks / jobs) / 1000);
}

void KernelRouletteHost::landed(const SpinOutcome& outcome)
{
    ++m_spins;
    m_wins += outcome.win ? 1 : 0;
    uint64_t frames = outcome.end_frame - outcome.start_frame;
    uint64_t elapsed = outcome.end_ns - outcome.start_ns;

    // The spin's frame times: the most recent `frames` frames.
    uint64_t times[FrameStats::window];
    size_t count = std::min<uint64_t>(frames, FrameStats::window);
    for (size_t i = 0; i < count; ++i)
        times[i] = m_stats.recent_frame_ns(i);
    Percentiles spin = median_and_p99(std::span(times, count));
    uint64_t fps_x10 = elapsed ? frames * 10'000'000'000ull / elapsed : 0;

    klog("[roulette] spin=%u fate=%u segment=%d result=%s frames=%lu fps=%lu.%lu", outcome.spin,
        outcome.fate, outcome.wedge, outcome.win ? "win" : "lose", frames, fps_x10 / 10,
        fps_x10 % 10);

    SpinRecord record {};
    record.fate = outcome.fate;
    record.wedge = uint8_t(outcome.wedge);
    record.result = outcome.win ? SpinResult::Win : SpinResult::Lose;
    record.frames = uint32_t(frames);
    record.fps_x10 = uint32_t(fps_x10);
    record.p50_us = uint32_t(spin.p50 / 1000);
    record.p99_us = uint32_t(spin.p99 / 1000);
    uint64_t sequence = 0;
    if (journal_enabled()) {
        auto appended = journal_append(record);
        if (appended.has_value())
            sequence = appended.value();
        else
            klog("[journal] append failed (%s): spin %u not recorded", error_name(appended.error()),
                outcome.spin);
    }

    for (int i = std::min(m_recent_count, remembered - 1); i > 0; --i)
        m_recent[i] = m_recent[i - 1];
    m_recent[0]
        = {sequence != 0 ? sequence : outcome.spin, outcome.fate, outcome.wedge, outcome.win};
    m_recent_count = std::min(m_recent_count + 1, remembered);
}

bool KernelRouletteHost::continue_after(const SpinOutcome& outcome)
{
    if (!m_info.config.gate) {
        klog("[roulette] gate=off: the table goes on");
        return true;
    }
    if (outcome.win) {
        klog("[roulette] gate passed: the machine continues");
        return true;
    }
    klog("[roulette] gate closed: rebooting to spin again");
    m_reboot = true;
    return false;
}

int KernelRouletteHost::hud_lines(char (*lines)[40], int max_lines)
{
    if (max_lines < 5)
        return 0;
    DisplayMode mode = m_screen.mode();
    // Frames per second over the last (up to) 60 frames.
    uint64_t total = 0;
    int frames = 0;
    for (; frames < 60; ++frames) {
        uint64_t ns = m_stats.recent_frame_ns(size_t(frames));
        if (ns == 0)
            break;
        total += ns;
    }
    uint64_t fps_x10 = total ? uint64_t(frames) * 10'000'000'000ull / total : 0;
    format(lines[0], sizeof lines[0], "backend  %s", m_screen.backend_name());
    format(lines[1], sizeof lines[1], "mode     %ux%u", mode.width, mode.height);
    format(lines[2], sizeof lines[2], "cpus     %u online", cpu_count());
    format(lines[3], sizeof lines[3], "fps      %lu.%lu", fps_x10 / 10, fps_x10 % 10);
    format(lines[4], sizeof lines[4], "spins    %u (%u won)", m_spins, m_wins);
    return 5;
}

int KernelRouletteHost::recent_results(RecentResult* out, int max)
{
    int n = std::min(max, m_recent_count);
    for (int i = 0; i < n; ++i)
        out[i] = m_recent[i];
    return n;
}

uint64_t KernelRouletteHost::frame_time_ns(int frames_ago)
{
    return m_stats.recent_frame_ns(size_t(frames_ago));
}

} // namespace rota
