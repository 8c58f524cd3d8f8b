#include "gfx/roulette/wheel.h"

#include <algorithm>

#include "core/lib/math.h"

// Building the wheel's tables (gfx/roulette/wheel.h): per box pixel its ring
// coverage, static colour and texel index, and the polar texture. Both go row
// by row so that every CPU can take rows (RouletteScene's constructor); this is
// the kernel's start-up time between the display and the first frame.

namespace rota {

namespace {

constexpr int supersample = 4; // 4×4 samples per edge pixel

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

void WheelRenderer::build_map_rows(int32_t begin, int32_t end)
{
    const WheelGeometry& g = m_geometry;
    Rect box = bounds();
    double near = 1.5; // a pixel this close to a circle may be partly on either side
    const double circles[]
        = {double(g.radius), double(g.rim_inner), double(g.hub_radius), double(g.hub_hole)};
    for (int32_t row = std::max(begin, 0); row < std::min(end, m_box); ++row) {
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
                // Off the ring the index is never used: no arc tangent for it.
                uint32_t column = coverage == 0 ? 0 : screen_angle(dx, dy) >> 4;
                m_texel_index[index] = uint32_t(texture_row) * texture_pitch + angle_steps + column;
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
    // Angles in units of 1/98304 turn (24 * angle_steps): the column's centre
    // is at 24 * column + 12, wedge w spans [8192 w, 8192 (w + 1)), so wedge,
    // spoke and label tests are integer arithmetic, which TCG runs natively
    // where every double operation is a call into its soft-float library.
    constexpr int32_t per_wedge = 2 * angle_steps;
    int32_t at = 24 * column + 12;
    int wedge = at / per_wedge;
    bool coloured = wedge % 2 == 0;
    Color base = coloured ? wheel_colors::coloured : wheel_colors::blank;
    if (wedge == highlight)
        base = coloured ? wheel_colors::highlight_coloured : wheel_colors::highlight_blank;
    double pixels_per_unit = 2 * pi * r / (12.0 * per_wedge); // arc length of one unit

    // The number, upright with its top outwards, centred in the wedge: only
    // texels within the label's reach need the (costlier) lookup. Along the
    // arc, the label's half width bounds r * |sin(angle from the middle)|,
    // which is at least 0.988 of the arc within a wedge (|angle| <= pi / 12).
    Color color = base;
    double reach = m_label_width > m_label_height ? m_label_width : m_label_height;
    int32_t from_middle = at - (per_wedge * wedge + per_wedge / 2);
    double arc = (from_middle < 0 ? -from_middle : from_middle) * pixels_per_unit;
    if (r > g.label_radius - reach && r < g.label_radius + reach && arc < reach * 1.05 + 2) {
        // The wedge's middle column holds the sine and cosine of its middle angle.
        int32_t mid_column = (2 * wedge + 1) * angle_steps / 24;
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
    int32_t to_spoke = at - (at + per_wedge / 2) / per_wedge * per_wedge;
    double distance = (to_spoke < 0 ? -to_spoke : to_spoke) * pixels_per_unit;
    double spoke = g.spoke_half_width + 0.5 - distance;
    if (spoke > 0)
        color = blend(color, wheel_colors::light,
            spoke >= 1 ? 255u : static_cast<uint32_t>(spoke * 255 + 0.5));
    return color;
}

void WheelRenderer::build_texture_rows(int32_t begin, int32_t end)
{
    for (int32_t row = std::max(begin, 0); row < std::min(end, m_rows); ++row) {
        uint32_t* out = m_texture + size_t(row) * texture_pitch;
        for (int32_t column = 0; column < angle_steps; ++column)
            out[column] = out[column + angle_steps] = texel(row, column, m_highlight);
    }
}

void WheelRenderer::build_columns(int32_t column_begin, int32_t column_end)
{
    for (int32_t row = 0; row < m_rows; ++row) {
        uint32_t* out = m_texture + size_t(row) * texture_pitch;
        for (int32_t column = std::max(column_begin, 0); column < std::min(column_end, angle_steps);
             ++column)
            out[column] = out[column + angle_steps] = texel(row, column, m_highlight);
    }
}

} // namespace rota
