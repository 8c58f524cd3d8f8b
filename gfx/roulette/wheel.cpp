#include "gfx/roulette/wheel.h"

#include <algorithm>
#include <cstring>

#include "core/lib/assert.h"
#include "core/lib/format.h"
#include "core/lib/math.h"
#include "core/roulette/wedges.h"
#include "gfx/text/text.h"

namespace rota {

namespace {

constexpr int supersample = 4; // 4×4 samples per edge pixel

size_t align16(size_t bytes)
{
    return (bytes + 15) & ~size_t(15);
}

// The colour of what does not turn at distance `r` from the centre: black
// outside, the rim, (the ring, not static), the hub, the hub's black hole.
Color static_color(const WheelGeometry& g, double r)
{
    if (r > g.radius)
        return wheel_colors::background;
    if (r >= g.rim_inner)
        return wheel_colors::light;
    if (r >= g.hub_radius)
        return wheel_colors::background; // the ring: never used as static
    if (r >= g.hub_hole)
        return wheel_colors::light;
    return wheel_colors::background;
}

bool in_ring(const WheelGeometry& g, double r)
{
    return r >= g.hub_radius && r < g.rim_inner;
}

// The screen angle of (dx, dy) from the centre, in 1/65536 turn, clockwise
// from the top.
uint32_t screen_angle(double dx, double dy)
{
    double turns = arc_tangent2(dx, -dy) / (2 * pi);
    if (turns < 0)
        turns += 1.0;
    return static_cast<uint32_t>(turns * 65536.0) & 0xffff;
}

} // namespace

WheelGeometry WheelGeometry::for_radius(int32_t cx, int32_t cy, int32_t radius)
{
    ROTA_ASSERT(radius >= min_radius && radius <= max_radius);
    WheelGeometry g {};
    g.cx = cx;
    g.cy = cy;
    g.radius = radius;
    // From radius 60 (hub and rim) and 24 (hole, spokes, numbers) up, the
    // proportions the roulette was designed with; below, parts shrink with
    // the wheel instead of swallowing it.
    int32_t rim = radius >= 60 ? std::max(3, radius / 20) : std::clamp(radius / 8, 1, 3);
    g.rim_inner = radius - rim;
    g.hub_radius = radius >= 24 ? std::max(6, radius * 15 / 100) : std::max(1, radius / 4);
    g.hub_hole = g.hub_radius >= 6 ? std::max(2, g.hub_radius * 2 / 5) : g.hub_radius / 2;
    g.spoke_half_width = radius >= 24 ? std::max(0.75, radius / 180.0) : 0.0; // 0: no spokes
    g.label_radius = g.hub_radius + (g.rim_inner - g.hub_radius) * 72 / 100;
    g.label_scale = std::clamp(radius / 110, 1, max_text_scale);
    g.labels = radius >= 24;
    ROTA_ASSERT(g.hub_hole < g.hub_radius && g.hub_radius < g.rim_inner && g.rim_inner < radius);
    return g;
}

namespace {

// Where each of the renderer's arrays lives in its memory, computed once for
// both memory_needed() and init(), so the two cannot disagree.
struct MemoryPlan {
    size_t map, still, alpha, texture, runs, labels, columns, total;
};

int32_t label_width(const WheelGeometry& g)
{
    return g.labels ? text_width("00", g.label_scale) + 8 : 0;
}

int32_t label_height(const WheelGeometry& g)
{
    return g.labels ? 16 * g.label_scale + 8 : 0;
}

template<class Runs>
MemoryPlan plan_memory(const WheelGeometry& g)
{
    size_t box = size_t(2 * g.radius + 3);
    size_t rows = size_t(g.rim_inner - g.hub_radius + 1);
    size_t label_bytes = wedge_count * size_t(label_width(g)) * size_t(label_height(g));
    MemoryPlan p {};
    size_t at = 0;
    auto take = [&](size_t& field, size_t bytes) {
        field = at;
        at += align16(bytes);
    };
    take(p.map, box * box * 4);
    take(p.still, box * box * 4);
    take(p.alpha, box * box);
    take(p.texture, rows * WheelRenderer::angle_steps * 4);
    take(p.runs, box * sizeof(Runs));
    take(p.labels, label_bytes);
    take(p.columns, 2 * WheelRenderer::angle_steps * sizeof(double));
    p.total = at;
    return p;
}

} // namespace

size_t WheelRenderer::memory_needed(const WheelGeometry& g)
{
    return plan_memory<RowRuns>(g).total;
}

void WheelRenderer::init(const WheelGeometry& g, void* memory)
{
    m_geometry = g;
    m_box = 2 * g.radius + 3;
    m_rows = g.rim_inner - g.hub_radius + 1;
    ROTA_ASSERT(m_rows >= 1);
    MemoryPlan plan = plan_memory<RowRuns>(g);
    auto* bytes = static_cast<uint8_t*>(memory);
    m_map = reinterpret_cast<uint32_t*>(bytes + plan.map);
    m_static = reinterpret_cast<uint32_t*>(bytes + plan.still);
    m_alpha = bytes + plan.alpha;
    m_texture = reinterpret_cast<uint32_t*>(bytes + plan.texture);
    m_runs = reinterpret_cast<RowRuns*>(bytes + plan.runs);
    m_labels = bytes + plan.labels;
    bytes += plan.columns;
    m_column_sin = reinterpret_cast<double*>(bytes);
    m_column_cos = m_column_sin + angle_steps;
    for (int32_t column = 0; column < angle_steps; ++column) {
        double angle = (column + 0.5) / angle_steps * 2 * pi;
        m_column_sin[column] = sine(angle);
        m_column_cos[column] = cosine(angle);
    }
    m_highlight = -1;

    Rect box = bounds();
    double near = 1.5; // a pixel this close to a circle may be partly on either side
    const double circles[]
        = {double(g.radius), double(g.rim_inner), double(g.hub_radius), double(g.hub_hole)};
    for (int32_t row = 0; row < m_box; ++row) {
        RowRuns& runs = m_runs[row];
        for (auto& v : runs.full)
            v = 0;
        for (auto& v : runs.partial)
            v = 0;
        int full_count = 0, partial_count = 0;
        int state = 0; // 0 outside, 1 full, 2 partial: what the current run is
        double dy = box.y + row + 0.5 - g.cy;
        for (int32_t col = 0; col <= m_box; ++col) {
            int kind = 0;
            size_t index = size_t(row) * size_t(m_box) + size_t(col);
            if (col < m_box) {
                double dx = box.x + col + 0.5 - g.cx;
                double r = square_root(dx * dx + dy * dy);
                bool edge = false;
                for (double c : circles)
                    edge = edge || (r > c - near && r < c + near);
                uint32_t coverage;
                Color still;
                if (!edge) {
                    coverage = in_ring(g, r) ? 255 : 0;
                    still = static_color(g, r);
                } else {
                    // Average the static colour over the samples off the ring,
                    // and count the samples on it.
                    uint32_t on = 0, off = 0, red = 0, green = 0, blue = 0;
                    for (int sy = 0; sy < supersample; ++sy) {
                        for (int sx = 0; sx < supersample; ++sx) {
                            double px = dx - 0.5 + (sx + 0.5) / supersample;
                            double py = dy - 0.5 + (sy + 0.5) / supersample;
                            double sr = square_root(px * px + py * py);
                            if (in_ring(g, sr)) {
                                ++on;
                            } else {
                                ++off;
                                Color c = static_color(g, sr);
                                red += red_of(c);
                                green += green_of(c);
                                blue += blue_of(c);
                            }
                        }
                    }
                    coverage = on * 255 / (supersample * supersample);
                    still = off == 0
                        ? wheel_colors::background
                        : rgb(uint8_t(red / off), uint8_t(green / off), uint8_t(blue / off));
                }
                m_alpha[index] = static_cast<uint8_t>(coverage);
                m_static[index] = still;
                int32_t texture_row
                    = std::clamp(static_cast<int32_t>(r) - g.hub_radius, 0, m_rows - 1);
                m_map[index] = screen_angle(dx, dy) << 16 | uint32_t(texture_row);
                kind = coverage == 255 ? 1 : coverage == 0 ? 0 : 2;
            }
            if (kind != state) {
                // Close the current run, open the next.
                if (state == 1 && full_count < 2)
                    runs.full[2 * full_count++ + 1] = static_cast<int16_t>(col);
                if (state == 2 && partial_count < 4)
                    runs.partial[2 * partial_count++ + 1] = static_cast<int16_t>(col);
                if (kind == 1 && full_count < 2)
                    runs.full[2 * full_count] = static_cast<int16_t>(col);
                if (kind == 2 && partial_count < 4)
                    runs.partial[2 * partial_count] = static_cast<int16_t>(col);
                state = kind;
            }
        }
    }

    // The numbers, upright, as coverage bitmaps (rendered white on black).
    m_label_width = label_width(g);
    m_label_height = label_height(g);
    ROTA_ASSERT(size_t(m_label_width) * size_t(m_label_height) <= size_t(m_rows) * angle_steps);
    for (int wedge = 0; g.labels && wedge < wedge_count; ++wedge) {
        // Render into the texture's memory (not built yet) as scratch.
        Surface scratch {m_texture, m_label_width, m_label_height, m_label_width};
        memset(m_texture, 0, size_t(m_label_width) * size_t(m_label_height) * 4);
        char text[4];
        format(text, sizeof text, "%d", wedge);
        int32_t x = (m_label_width - text_width(text, g.label_scale)) / 2;
        draw_text(scratch, scratch.bounds(), x, 4, text, 0xffffff, g.label_scale);
        uint8_t* label = m_labels + size_t(wedge) * size_t(m_label_width) * size_t(m_label_height);
        for (int32_t i = 0; i < m_label_width * m_label_height; ++i)
            label[i] = red_of(m_texture[i]);
    }
}

// How much of the label of `wedge` covers the point (x, y) in the label's own
// frame (x along the text, y down it, origin at the label's centre).
double WheelRenderer::label_coverage(int wedge, double x, double y) const
{
    double fx = x + m_label_width / 2.0 - 0.5;
    double fy = y + m_label_height / 2.0 - 0.5;
    if (fx < 0 || fy < 0 || fx >= m_label_width - 1 || fy >= m_label_height - 1)
        return 0.0;
    int32_t ix = static_cast<int32_t>(fx), iy = static_cast<int32_t>(fy);
    double ax = fx - ix, ay = fy - iy;
    const uint8_t* label
        = m_labels + size_t(wedge) * size_t(m_label_width) * size_t(m_label_height);
    auto at = [&](int32_t px, int32_t py) { return label[py * m_label_width + px] / 255.0; };
    double top = at(ix, iy) * (1 - ax) + at(ix + 1, iy) * ax;
    double bottom = at(ix, iy + 1) * (1 - ax) + at(ix + 1, iy + 1) * ax;
    return top * (1 - ay) + bottom * ay;
}

Color WheelRenderer::texel(int32_t row, int32_t column, int highlight) const
{
    const WheelGeometry& g = m_geometry;
    double r = g.hub_radius + row + 0.5;
    double turns = (column + 0.5) / angle_steps;
    int wedge = static_cast<int>(turns * wedge_count) % wedge_count;
    bool coloured = wedge_is_coloured(wedge);
    Color base = coloured ? wheel_colors::coloured : wheel_colors::blank;
    if (wedge == highlight)
        base = coloured ? wheel_colors::highlight_coloured : wheel_colors::highlight_blank;

    // The number, upright with its top outwards, centred in the wedge: only
    // texels within the label's reach need the (costlier) lookup.
    Color color = base;
    double reach = m_label_width > m_label_height ? m_label_width : m_label_height;
    if (g.labels && r > g.label_radius - reach && r < g.label_radius + reach) {
        // The wedge's middle column holds the sine and cosine of its middle angle.
        int32_t mid_column = (2 * wedge + 1) * angle_steps / (2 * wedge_count);
        double mid_sin = m_column_sin[mid_column], mid_cos = m_column_cos[mid_column];
        double px = r * m_column_sin[column], py = -r * m_column_cos[column];
        double dx = px - g.label_radius * mid_sin, dy = py + g.label_radius * mid_cos;
        double along = dx * mid_cos + dy * mid_sin; // the text's x
        double down = -dx * mid_sin + dy * mid_cos; // the text's y (towards the centre)
        double ink = label_coverage(wedge, along, down);
        if (ink > 0)
            color = blend(base, wheel_colors::light, static_cast<uint32_t>(ink * 255 + 0.5));
    }

    // The spoke on the nearest wedge boundary: coverage by distance in pixels.
    double nearest = floor_double(turns * wedge_count + 0.5) / wedge_count;
    double distance = (turns > nearest ? turns - nearest : nearest - turns) * 2 * pi * r;
    double spoke = g.spoke_half_width + 0.5 - distance;
    if (g.spoke_half_width > 0 && spoke > 0)
        color = blend(color, wheel_colors::light,
            spoke >= 1 ? 255u : static_cast<uint32_t>(spoke * 255 + 0.5));
    return color;
}

void WheelRenderer::build_texture_rows(int32_t begin, int32_t end)
{
    for (int32_t row = std::max(begin, 0); row < std::min(end, m_rows); ++row) {
        uint32_t* out = m_texture + size_t(row) * angle_steps;
        for (int32_t column = 0; column < angle_steps; ++column)
            out[column] = texel(row, column, m_highlight);
    }
}

void WheelRenderer::build_columns(int32_t column_begin, int32_t column_end)
{
    for (int32_t row = 0; row < m_rows; ++row) {
        uint32_t* out = m_texture + size_t(row) * angle_steps;
        for (int32_t column = std::max(column_begin, 0); column < std::min(column_end, angle_steps);
             ++column)
            out[column] = texel(row, column, m_highlight);
    }
}

void WheelRenderer::set_highlight(int wedge)
{
    if (wedge == m_highlight)
        return;
    int previous = m_highlight;
    m_highlight = wedge;
    // Only the columns of the wedges that change colour are rebuilt.
    for (int w : {previous, wedge}) {
        if (w < 0)
            continue;
        build_columns(w * angle_steps / wedge_count - 1, (w + 1) * angle_steps / wedge_count + 2);
    }
}

void WheelRenderer::draw_static(Surface& target, Rect clip) const
{
    Rect box = bounds();
    Rect area = box.intersect(clip).intersect(target.bounds());
    for (int32_t y = area.y; y < area.bottom(); ++y) {
        uint32_t* out = target.row(y);
        size_t base = size_t(y - box.y) * size_t(m_box) - size_t(box.x);
        for (int32_t x = area.x; x < area.right(); ++x) {
            if (m_alpha[base + size_t(x)] != 255)
                out[x] = m_static[base + size_t(x)];
        }
    }
}

void WheelRenderer::draw_rotating(
    Surface& target, Rect clip, double rotation, int32_t row_begin, int32_t row_end) const
{
    Rect box = bounds();
    Rect area = box.intersect(clip).intersect(target.bounds());
    int32_t first = std::max(area.y, box.y + row_begin);
    int32_t last = std::min(area.bottom(), box.y + row_end);
    double fraction = rotation - floor_double(rotation);
    // A texel column is 16 units of the 16-bit angle: angle - rotation, >> 4.
    uint32_t turn = static_cast<uint32_t>(fraction * 65536.0) & 0xffff;
    for (int32_t y = first; y < last; ++y) {
        const RowRuns& runs = m_runs[y - box.y];
        uint32_t* out = target.row(y);
        size_t base = size_t(y - box.y) * size_t(m_box);
        auto lookup = [&](size_t index) {
            uint32_t m = m_map[index];
            uint32_t column = ((m >> 16) - turn) & 0xffff;
            return m_texture[(m & 0xffff) * angle_steps + (column >> 4)];
        };
        for (int run = 0; run < 2; ++run) {
            int32_t from = std::max<int32_t>(box.x + runs.full[2 * run], area.x);
            int32_t to = std::min<int32_t>(box.x + runs.full[2 * run + 1], area.right());
            for (int32_t x = from; x < to; ++x)
                out[x] = lookup(base + size_t(x - box.x));
        }
        for (int run = 0; run < 4; ++run) {
            int32_t from = std::max<int32_t>(box.x + runs.partial[2 * run], area.x);
            int32_t to = std::min<int32_t>(box.x + runs.partial[2 * run + 1], area.right());
            for (int32_t x = from; x < to; ++x) {
                size_t index = base + size_t(x - box.x);
                out[x] = blend(m_static[index], lookup(index), m_alpha[index]);
            }
        }
    }
}

void WheelRenderer::draw_ring_image(Surface& out) const
{
    int32_t rows = std::min(out.height, m_box), columns = std::min(out.width, m_box);
    for (int32_t y = 0; y < rows; ++y) {
        uint32_t* line = out.row(y);
        size_t base = size_t(y) * size_t(m_box);
        for (int32_t x = 0; x < columns; ++x) {
            size_t index = base + size_t(x);
            uint32_t alpha = m_alpha[index];
            if (alpha == 0) {
                line[x] = 0;
                continue;
            }
            // The texel the screen angle shows at rotation 0 (as draw_rotating).
            uint32_t m = m_map[index];
            Color c = m_texture[(m & 0xffff) * angle_steps + ((m >> 16) >> 4)];
            line[x] = alpha << 24 | blend(0, c, uint8_t(alpha));
        }
    }
}

} // namespace rota
