#include "gfx/roulette/roulette_scene.h"

#include <algorithm>
#include <atomic>

#include "core/lib/format.h"
#include "gfx/canvas/canvas.h"
#include "gfx/text/text.h"

namespace rota {

namespace {

constexpr Color title_color = 0xc7c7c7;
constexpr Color subtitle_color = 0x8f8f8f;
constexpr Color pointer_color = 0xffe087;
constexpr Color box_border = 0xc7c7c7;
constexpr Color box_text = 0xc7c7c7;
constexpr Color win_color = 0x2dd4b3;
constexpr Color lose_color = 0xe35d5b;
constexpr Color banner_text = 0x0b0b0b;
constexpr Color hud_text = 0xa8a8a8;
constexpr Color hud_graph = 0x3dd6c6;
constexpr uint64_t hud_interval_ns = 500'000'000;
constexpr int32_t band_rows = 16; // rows of the wheel per parallel chunk

double seconds_between(uint64_t from_ns, uint64_t to_ns)
{
    return double(to_ns - from_ns) / 1e9;
}

void draw_centred(
    Surface& target, Rect clip, int32_t cx, int32_t y, StringView text, Color color, int32_t scale)
{
    draw_text(target, clip, cx - text_width(text, scale) / 2, y, text, color, scale);
}

} // namespace

size_t RouletteScene::memory_needed(const RouletteLayout& l)
{
    if (l.wheel_radius == 0)
        return 0;
    return WheelRenderer::memory_needed(
        WheelGeometry::for_radius(l.wheel_cx, l.wheel_cy, l.wheel_radius));
}

size_t RouletteScene::memory_needed(int32_t width, int32_t height)
{
    return memory_needed(compute_layout(width, height));
}

RouletteScene::RouletteScene(
    RouletteHost& host, int32_t width, int32_t height, uint64_t seed, void* memory, SpinMode spin)
    : RouletteScene(host, compute_layout(width, height), seed, memory, spin)
{
}

RouletteScene::RouletteScene(
    RouletteHost& host, const RouletteLayout& layout, uint64_t seed, void* memory, SpinMode spin)
    : m_host(host)
    , m_spin(spin)
    , m_layout(layout)
    , m_has_wheel(layout.wheel_radius > 0)
    , m_fates(seed)
{
    if (!m_has_wheel)
        return;
    m_wheel.init(
        WheelGeometry::for_radius(m_layout.wheel_cx, m_layout.wheel_cy, m_layout.wheel_radius),
        memory);
    // The per-pixel maps and the texture, rows of both in one job: the
    // kernel's start-up work before the first frame, on every CPU.
    struct Context {
        WheelRenderer* wheel;
        uint64_t map_rows;
    } context {&m_wheel, uint64_t(m_wheel.map_rows())};
    m_host.parallel(
        context.map_rows + uint64_t(m_wheel.texture_rows()), 4,
        [](void* c, uint64_t begin, uint64_t end) {
            auto* ctx = static_cast<Context*>(c);
            if (begin < ctx->map_rows)
                ctx->wheel->build_map_rows(int32_t(begin), int32_t(std::min(end, ctx->map_rows)));
            if (end > ctx->map_rows)
                ctx->wheel->build_texture_rows(
                    int32_t(std::max(begin, ctx->map_rows) - ctx->map_rows),
                    int32_t(end - ctx->map_rows));
        },
        &context);
    // Then, from the finished texture, where its colours stay still.
    m_host.parallel(
        uint64_t(m_wheel.still_groups()), 1,
        [](void* c, uint64_t begin, uint64_t end) {
            static_cast<WheelRenderer*>(c)->build_still_groups(int32_t(begin), int32_t(end));
        },
        &m_wheel);
}

void RouletteScene::start_spin(uint64_t frame, uint64_t now_ns)
{
    uint32_t fate = m_fates.next_fate();
    m_outcome = {m_outcome.spin + 1, fate, target_wedge(fate), fate_wins(fate), frame, frame,
        now_ns, now_ns};
    m_plan = SpinPlan::toward(m_rotation, m_outcome.wedge);
    m_landed = false;
}

std::optional<SpinPhase> RouletteScene::follow_fate(uint64_t frame, uint64_t now_ns, double& t)
{
    SpinPhase phase = spin_phase(t);
    if (phase != SpinPhase::Spinning && !m_landed) {
        // Exactly on the target, whatever the frame timing was.
        m_rotation = m_plan.end();
        m_outcome.end_frame = frame;
        m_outcome.end_ns = now_ns;
        m_landed = true;
        m_host.landed(m_outcome);
    }
    if (phase == SpinPhase::Done) {
        if (!m_host.continue_after(m_outcome))
            return std::nullopt;
        m_hud_visible = m_layout.hud.width > 0;
        start_spin(frame, now_ns);
        t = 0;
        phase = SpinPhase::Spinning;
    }
    if (phase == SpinPhase::Spinning)
        m_rotation = m_plan.rotation_at(t);
    return phase;
}

void RouletteScene::draw(
    Surface& target, uint64_t frame, uint64_t now_ns, bool full, Damage& damage)
{
    if (m_outcome.spin == 0)
        start_spin(frame, now_ns);
    double t = seconds_between(m_outcome.start_ns, now_ns);
    SpinPhase phase = SpinPhase::Spinning;
    if (m_spin == SpinMode::Steady) {
        double turns = double(frame - m_outcome.start_frame) * steady_turns_per_frame;
        m_rotation = turns - double(uint64_t(turns));
    } else if (auto next = follow_fate(frame, now_ns, t)) {
        phase = *next;
    } else {
        m_finished = true;
        return;
    }

    if (full) {
        m_layer = m_host.rotating_layer();
        draw_background(target);
        m_drawn_rotation = -1.0;
        m_drawn_highlight = -2;
        m_box_state = BoxState::Unknown;
        m_banner_state = -1;
        m_hud_drawn_ns = 0;
        damage.add(target.bounds());
    }

    int highlight = phase == SpinPhase::Highlight ? m_outcome.wedge : -1;
    if (m_has_wheel && (m_rotation != m_drawn_rotation || highlight != m_drawn_highlight)) {
        m_wheel.set_highlight(highlight);
        if (m_layer != nullptr) {
            // The display turns the ring; only a new highlight changes its picture.
            if (highlight != m_drawn_highlight)
                hand_ring_to_layer();
            m_layer->set_turns(m_rotation);
        } else {
            draw_wheel_turning(
                target, m_drawn_rotation >= 0 && highlight < 0 && m_drawn_highlight < 0);
            damage.add(m_wheel.bounds());
        }
        m_drawn_rotation = m_rotation;
        m_drawn_highlight = highlight;
    }

    BoxState box = BoxState::Question;
    if (phase == SpinPhase::Flashing)
        box = flash_lit(t) ? BoxState::Lit : BoxState::Dark;
    else if (phase == SpinPhase::Result)
        box = BoxState::Shown;
    if (box != m_box_state && !m_layout.fate_box.empty()) {
        draw_box(target, box);
        m_box_state = box;
        damage.add(m_layout.fate_box);
    }

    int banner = phase == SpinPhase::Result ? 1 : 0;
    if (banner != m_banner_state && !m_layout.banner.empty()) {
        draw_banner(target, banner == 1);
        m_banner_state = banner;
        damage.add(m_layout.banner);
    }

    if (m_hud_visible && (m_hud_drawn_ns == 0 || now_ns - m_hud_drawn_ns >= hud_interval_ns)) {
        draw_hud(target);
        m_hud_drawn_ns = now_ns == 0 ? 1 : now_ns;
        damage.add(m_layout.hud);
    }
}

void RouletteScene::draw_background(Surface& target)
{
    Rect all = target.bounds();
    fill_rect(target, all, all, 0x000000);
    if (m_layout.titles) {
        draw_centred(target, all, m_layout.width / 2, m_layout.title_y, "THE WHEEL OF FATE",
            title_color, m_layout.title_scale);
        draw_centred(target, all, m_layout.width / 2, m_layout.subtitle_y,
            "The wheel chooses your destiny...", subtitle_color, m_layout.subtitle_scale);
    }
    if (m_has_wheel) {
        m_wheel.draw_static(target, all);
        draw_pointer(target);
    }
}

void RouletteScene::draw_wheel_turning(Surface& target, bool incremental)
{
    struct Context {
        const WheelRenderer* wheel;
        Surface* target;
        double rotation;
        double drawn;
        std::atomic<uint64_t> written;
    } context {&m_wheel, &target, m_rotation, incremental ? m_drawn_rotation : -1.0, 0};
    Rect box = m_wheel.bounds();
    uint64_t bands = uint64_t((box.height + band_rows - 1) / band_rows);
    m_host.parallel(
        bands, 1,
        [](void* c, uint64_t begin, uint64_t end) {
            auto* ctx = static_cast<Context*>(c);
            uint32_t written = ctx->wheel->draw_rotating(*ctx->target, ctx->target->bounds(),
                ctx->rotation, int32_t(begin) * band_rows, int32_t(end) * band_rows, ctx->drawn);
            ctx->written.fetch_add(written, std::memory_order_relaxed);
        },
        &context);
    uint64_t written = context.written.load(std::memory_order_relaxed);
    if (!incremental)
        m_ring_pixels = written;
    m_ring_counts.frames += 1;
    m_ring_counts.drawn += written;
    m_ring_counts.whole += m_ring_pixels;
}

void RouletteScene::hand_ring_to_layer()
{
    const WheelGeometry& g = m_wheel.geometry();
    Surface image = m_layer->image_buffer(m_wheel.bounds(), g.cx, g.cy);
    // A display that cannot hold the picture fails its next present and is
    // replaced; nothing to draw meanwhile.
    if (image.pixels == nullptr)
        return;
    m_wheel.draw_ring_image(image);
    m_layer->commit_image();
}

void RouletteScene::draw_pointer(Surface& target)
{
    const Rect& p = m_layout.pointer;
    // Pointing down at the wheel; the tip touches the rim at 12 o'clock.
    fill_triangle(target, target.bounds(), {SubPixel::from_int(p.x), SubPixel::from_int(p.y)},
        {SubPixel::from_int(p.right()), SubPixel::from_int(p.y)},
        {SubPixel::from_ratio(2 * p.x + p.width, 2), SubPixel::from_int(p.bottom())},
        pointer_color);
}

void RouletteScene::draw_box(Surface& target, BoxState state)
{
    const Rect& r = m_layout.fate_box;
    fill_rect(target, r, r, 0x000000);
    stroke_round_rect(
        target, r, SubRect::from_rect(r), SubPixel::from_int(8), SubPixel::from_int(2), box_border);
    char text[16] = "? ? ?";
    if (state == BoxState::Dark)
        text[0] = '\0';
    else if (state == BoxState::Lit || state == BoxState::Shown)
        format(text, sizeof text, "%u", m_outcome.fate);
    int32_t scale = 2;
    if (text_width(text, scale) > r.width - 12)
        scale = 1;
    Color color = state == BoxState::Question ? box_text : m_outcome.win ? win_color : lose_color;
    draw_centred(target, r, r.x + r.width / 2, r.y + (r.height - text_height(scale)) / 2, text,
        color, scale);
}

void RouletteScene::draw_banner(Surface& target, bool visible)
{
    const Rect& r = m_layout.banner;
    fill_rect(target, r, r, 0x000000);
    if (!visible)
        return;
    fill_round_rect(target, r, SubRect::from_rect(r), SubPixel::from_int(12),
        m_outcome.win ? win_color : lose_color);
    const char* big = m_outcome.win ? "W I N !" : "L O S E";
    const char* small = m_outcome.win ? "Fortune smiles upon you." : "The wheel spins again...";
    draw_centred(target, r, r.x + r.width / 2, r.y + 8, big, banner_text, 2);
    draw_centred(target, r, r.x + r.width / 2, r.y + 8 + text_height(2) + 8, small, banner_text, 1);
}

void RouletteScene::draw_hud(Surface& target)
{
    const Rect& r = m_layout.hud;
    fill_rect(target, r, r, 0x000000);
    stroke_round_rect(
        target, r, SubRect::from_rect(r), SubPixel::from_int(6), SubPixel::from_int(1), 0x3a3a3a);
    char lines[8][40];
    int count = m_host.hud_lines(lines, 8);
    int32_t y = r.y + 8;
    for (int i = 0; i < count; ++i, y += 18)
        draw_text(target, r, r.x + 10, y, lines[i], hud_text, 1);

    // Frame times of the last frames, newest on the right, 0-50 ms tall.
    Rect graph {r.x + 10, y + 4, r.width - 20, 70};
    stroke_round_rect(target, r, SubRect::from_rect(graph), SubPixel::from_int(2),
        SubPixel::from_int(1), 0x3a3a3a);
    for (int32_t i = 0; i < graph.width - 4; ++i) {
        uint64_t ns = m_host.frame_time_ns(i);
        if (ns == 0)
            break;
        int32_t h = int32_t(ns * (graph.height - 4) / 50'000'000);
        h = h > graph.height - 4 ? graph.height - 4 : h;
        Rect bar {graph.right() - 3 - i, graph.bottom() - 2 - h, 1, h};
        fill_rect(target, graph.intersect(r), bar, hud_graph);
    }
    y = graph.bottom() + 10;
    draw_text(target, r, r.x + 10, y, "last results", hud_text, 1);
    y += 18;
    RecentResult results[8];
    int n = m_host.recent_results(results, 8);
    for (int i = 0; i < n && y + 16 <= r.bottom(); ++i, y += 18) {
        char line[40];
        format(line, sizeof line, "#%lu %10u  %2d  %s", results[i].sequence, results[i].fate,
            results[i].wedge, results[i].win ? "win" : "lose");
        draw_text(target, r, r.x + 10, y, line, results[i].win ? win_color : lose_color, 1);
    }
}

} // namespace rota
