#pragma once

#include "core/boot_info.h"
#include "gfx/display/screen.h"
#include "gfx/frame/frame_stats.h"
#include "gfx/roulette/roulette_scene.h"

// The kernel's side of the roulette: parallel rendering on every CPU, the
// "[roulette]" line and the journal record when the wheel lands, the gate,
// and what the heads-up display shows.

namespace rota {

class KernelRouletteHost final : public RouletteHost {
public:
    KernelRouletteHost(const BootInfo& info, const Screen& screen, const FrameStats& stats);

    void parallel(uint64_t count, uint64_t grain, Body body, void* context) override;
    void landed(const SpinOutcome& outcome) override;
    bool continue_after(const SpinOutcome& outcome) override;
    int hud_lines(char (*lines)[40], int max_lines) override;
    int recent_results(RecentResult* out, int max) override;
    uint64_t frame_time_ns(int frames_ago) override;
    RotatingLayer* rotating_layer() override
    {
        Display* display = m_screen.display();
        return display != nullptr ? display->rotating_layer() : nullptr;
    }

    // Whether the gate asked for a reboot (a loss with gate=on).
    bool reboot_requested() const { return m_reboot; }
    uint32_t spins() const { return m_spins; }
    uint32_t wins() const { return m_wins; }
    // "[smp] render ..." : how the frames' parallel jobs were shared out.
    void report_parallel() const;

private:
    static constexpr int remembered = 8;

    const BootInfo& m_info;
    const Screen& m_screen;
    const FrameStats& m_stats;
    RecentResult m_recent[remembered] {};
    int m_recent_count {0};
    bool m_reboot {false};
    uint32_t m_spins {0};
    uint32_t m_wins {0};
    struct {
        uint64_t jobs, participants, items, caller_items, dispatch_ticks;
    } m_parallel {};
};

} // namespace rota
