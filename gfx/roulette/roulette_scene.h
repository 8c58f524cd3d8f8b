#pragma once

#include <cstdint>
#include <optional>

#include "core/config/config.h"
#include "gfx/display/rotating_layer.h"
#include "gfx/roulette/fate.h"
#include "gfx/roulette/layout.h"
#include "gfx/roulette/timeline.h"
#include "gfx/roulette/wheel.h"
#include "gfx/scene.h"

// The Wheel of Fate as a Scene (docs/roulette.md): layers that do not overlap
// (background and titles, wheel, pointer, fate box, banner, heads-up display),
// each redrawn only when it changes, so a frame presents only its damage. The
// turning part of the wheel is drawn in bands on every CPU through the host's
// parallel hook. Pure: the kernel supplies memory, parallelism, the journal
// and the gate through RouletteHost.

namespace rota {

struct SpinOutcome {
    uint32_t spin; // 1, 2, ...
    uint32_t fate;
    int wedge;
    bool win;
    uint64_t start_frame, end_frame; // frames drawn during the spin
    uint64_t start_ns, end_ns;
};

struct RecentResult {
    uint64_t sequence;
    uint32_t fate;
    int wedge;
    bool win;
};

class RouletteHost {
public:
    using Body = void (*)(void* context, uint64_t begin, uint64_t end);
    // Runs body over [0, count) in chunks of `grain`, possibly on many CPUs.
    virtual void parallel(uint64_t count, uint64_t grain, Body body, void* context) = 0;
    // The wheel has stopped: log it and make it durable, before the result
    // is shown.
    virtual void landed(const SpinOutcome& outcome) = 0;
    // The result has been shown: true to go on to the next spin, false to
    // stop (a loss with gate=on: the caller reboots).
    virtual bool continue_after(const SpinOutcome& outcome) = 0;
    // For the heads-up display.
    virtual int hud_lines(char (*lines)[40], int max_lines) = 0;
    virtual int recent_results(RecentResult* out, int max) = 0;
    virtual uint64_t frame_time_ns(int frames_ago) = 0;
    // The display's own rotating layer, when it has one: the wheel's turning
    // ring is then handed to it instead of being drawn every frame. Asked on
    // every full redraw (a new display may have taken over).
    virtual RotatingLayer* rotating_layer() { return nullptr; }

protected:
    ~RouletteHost() = default;
};

class RouletteScene final : public Scene {
public:
    // The steady wheel's step (spin=steady): a quarter turn a second at 60
    // frames a second. A step per frame, not a speed, because a frame drawn
    // over the last one costs more the further the wheel turned between them
    // (gfx/roulette/wheel.h): so every frame costs the same at any frame rate.
    static constexpr double steady_turns_per_frame = 0.25 / 60;

    // `memory` holds memory_needed(layout) bytes (16-byte aligned; none for a
    // layout without a wheel). The layout comes from compute_layout() for the
    // screen the scene draws on. With SpinMode::Steady the wheel turns by
    // steady_turns_per_frame each frame and never lands: no result, no
    // banner, every frame the same work (the benchmarks' workload).
    static size_t memory_needed(const RouletteLayout& layout);
    RouletteScene(RouletteHost& host, const RouletteLayout& layout, uint64_t seed, void* memory,
        SpinMode spin = SpinMode::Fate);

    // The same with compute_layout(width, height).
    static size_t memory_needed(int32_t width, int32_t height);
    RouletteScene(RouletteHost& host, int32_t width, int32_t height, uint64_t seed, void* memory,
        SpinMode spin = SpinMode::Fate);

    void draw(Surface& target, uint64_t frame, uint64_t now_ns, bool full, Damage& damage) override;
    bool finished() const override { return m_finished; }

    const RouletteLayout& layout() const { return m_layout; }
    const SpinOutcome& current() const { return m_outcome; }
    double rotation() const { return m_rotation; }
    WheelRenderer& wheel() { return m_wheel; }
    // Over the frames that turned the wheel in software: the ring pixels
    // drawn, of the ring pixels a full redraw draws (docs/roulette.md).
    struct RingCounts {
        uint64_t frames, drawn, whole;
    };
    RingCounts ring_counts() const { return m_ring_counts; }

private:
    enum class BoxState { Unknown, Question, Lit, Dark, Shown };

    void start_spin(uint64_t frame, uint64_t now_ns);
    // Moves the fated spin on to `now_ns`: lands, asks the gate, starts the
    // next spin. The phase to draw, or nullopt when the gate stops the table.
    std::optional<SpinPhase> follow_fate(uint64_t frame, uint64_t now_ns, double& t);
    void draw_background(Surface& target);
    // `incremental`: the ring in `target` shows m_drawn_rotation, unlit.
    void draw_wheel_turning(Surface& target, bool incremental);
    void hand_ring_to_layer();
    void draw_pointer(Surface& target);
    void draw_box(Surface& target, BoxState state);
    void draw_banner(Surface& target, bool visible);
    void draw_hud(Surface& target);

    RouletteHost& m_host;
    SpinMode m_spin;
    RotatingLayer* m_layer {nullptr}; // the display turns the ring (null: we draw it)
    RouletteLayout m_layout;
    bool m_has_wheel;
    WheelRenderer m_wheel;
    FateGenerator m_fates;
    SpinOutcome m_outcome {};
    SpinPlan m_plan {};
    double m_rotation {0.0};
    double m_drawn_rotation {-1.0};
    int m_drawn_highlight {-2};
    BoxState m_box_state {BoxState::Unknown};
    int m_banner_state {-1}; // -1 unknown, 0 hidden, 1 shown
    bool m_hud_visible {false};
    uint64_t m_hud_drawn_ns {0};
    bool m_landed {false};
    bool m_finished {false};
    RingCounts m_ring_counts {};
    uint64_t m_ring_pixels {0}; // what a full redraw of the ring draws
};

} // namespace rota
