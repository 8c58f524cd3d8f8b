#include "gfx/roulette/wheel.h"

#include <algorithm>

#include "core/lib/math.h"
#include "core/roulette/wedges.h"

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

// Distances on the box's pixel grid in integers: pixel centres sit at half
// pixels from the wheel's centre, so twice their offsets (odd numbers) square
// exactly. "r < c" is then "d2 < (2c)^2", and floor(r) the integer square root
// of d2 / 4; under TCG that replaces a soft-float square root and a dozen
// soft-float comparisons per pixel. Only pixels near a circle (the edges)
// still sample in doubles.
struct Squares {
    int64_t radius, rim_inner, hub_radius, hub_hole; // (2c)^2
    int64_t near_low[4], near_high[4]; // (2c - 3)^2 and (2c + 3)^2: within 1.5 px of c

    explicit Squares(const WheelGeometry& g)
    {
        const int64_t circles[] = {g.radius, g.rim_inner, g.hub_radius, g.hub_hole};
        for (int i = 0; i < 4; ++i) {
            int64_t low = 2 * circles[i] - 3, high = 2 * circles[i] + 3;
            near_low[i] = low > 0 ? low * low : -1;
            near_high[i] = high * high;
        }
        radius = 4 * int64_t(g.radius) * g.radius;
        rim_inner = 4 * int64_t(g.rim_inner) * g.rim_inner;
        hub_radius = 4 * int64_t(g.hub_radius) * g.hub_radius;
        hub_hole = 4 * int64_t(g.hub_hole) * g.hub_hole;
    }
    bool edge(int64_t d2) const
    {
        for (int i = 0; i < 4; ++i) {
            if (d2 > near_low[i] && d2 < near_high[i])
                return true;
        }
        return false;
    }
    // As in_ring() and static_color(), for a pixel centre at d2.
    bool in_ring(int64_t d2) const { return d2 >= hub_radius && d2 < rim_inner; }
    Color static_color(int64_t d2) const
    {
        if (d2 > radius)
            return wheel_colors::background;
        if (d2 >= rim_inner)
            return wheel_colors::light;
        if (d2 >= hub_radius)
            return wheel_colors::background;
        if (d2 >= hub_hole)
            return wheel_colors::light;
        return wheel_colors::background;
    }
};

// floor(sqrt(value)), from a guess that is usually right or one off (the
// previous pixel's): a few integer steps instead of a square root.
int64_t integer_root(int64_t value, int64_t guess)
{
    int64_t root = guess < 0 ? 0 : guess;
    while (root * root > value)
        root = root > 64 && (root / 2) * (root / 2) > value ? root / 2 : root - 1;
    while ((root + 1) * (root + 1) <= value)
        ++root;
    return root;
}

} // namespace

void WheelRenderer::build_map_rows(int32_t begin, int32_t end)
{
    const WheelGeometry& g = m_geometry;
    const Squares squares(g);
    Rect box = bounds();
    for (int32_t row = std::max(begin, 0); row < std::min(end, m_box); ++row) {
        RowRuns& runs = m_runs[row];
        for (auto& v : runs.full)
            v = 0;
        for (auto& v : runs.partial)
            v = 0;
        int full_count = 0, partial_count = 0;
        int state = 0; // 0 outside, 1 full, 2 partial: what the current run is
        int64_t twice_dy = 2 * int64_t(box.y + row - g.cy) + 1;
        double dy = double(twice_dy) / 2;
        int64_t root = g.radius; // floor(r) of the previous pixel
        for (int32_t col = 0; col <= m_box; ++col) {
            int kind = 0;
            size_t index = size_t(row) * size_t(m_box) + size_t(col);
            if (col < m_box) {
                int64_t twice_dx = 2 * int64_t(box.x + col - g.cx) + 1;
                double dx = double(twice_dx) / 2;
                int64_t d2 = twice_dx * twice_dx + twice_dy * twice_dy;
                uint32_t coverage;
                Color still;
                if (!squares.edge(d2)) {
                    coverage = squares.in_ring(d2) ? 255 : 0;
                    still = squares.static_color(d2);
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
                // Off the ring the index is never used: no root, no arc tangent.
                uint32_t texel = angle_steps;
                int32_t mirror = 2 * g.radius + 1 - col; // the pixel at -dx in this row
                if (coverage != 0 && twice_dx > 0 && mirror >= 0) {
                    // Same distance, so the same row and coverage; the angle
                    // is a turn minus the mirror's: column 4095 - c.
                    uint32_t seen = m_texel_index[size_t(row) * size_t(m_box) + size_t(mirror)];
                    uint32_t column = seen % texture_pitch - angle_steps;
                    texel = seen - column + (angle_steps - 1 - column);
                } else if (coverage != 0) {
                    root = integer_root(d2 / 4, root);
                    int32_t texture_row = std::clamp(int32_t(root) - g.hub_radius, 0, m_rows - 1);
                    texel += uint32_t(texture_row) * texture_pitch + (screen_angle(dx, dy) >> 4);
                }
                m_texel_index[index] = texel;
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
        build_blocks(row);
    }
}

// The row's full spans in blocks of block_pixels, as draw_rotating walks them.
void WheelRenderer::build_blocks(int32_t row)
{
    const RowRuns& runs = m_runs[row];
    StillBlock* block = m_blocks + size_t(row) * size_t(blocks_per_row());
    const uint32_t* index = m_texel_index + size_t(row) * size_t(m_box);
    for (int run = 0; run < 2; ++run) {
        int32_t end = runs.full[2 * run + 1];
        for (int32_t x = runs.full[2 * run]; x < end; x += block_pixels, ++block) {
            uint32_t row_min = UINT32_MAX, row_max = 0, column_min = UINT32_MAX, column_max = 0;
            for (int32_t i = x; i < std::min(x + block_pixels, end); ++i) {
                uint32_t texture_row = index[i] / texture_pitch;
                uint32_t column = index[i] % texture_pitch - angle_steps;
                row_min = std::min(row_min, texture_row);
                row_max = std::max(row_max, texture_row);
                column_min = std::min(column_min, column);
                column_max = std::max(column_max, column);
            }
            uint32_t group = row_min / group_rows, groups = row_max / group_rows - group + 1;
            uint32_t width = column_max - column_min;
            // Blocks across more groups (none on a round wheel) or columns
            // (next to a small hub) are always drawn.
            if (groups > 3 || width >= 1u << block_width_bits)
                groups = width = 0;
            static_assert(WheelGeometry::max_radius / group_rows < 1 << block_group_bits);
            *block = column_min | group << block_column_bits
                | width << (block_column_bits + block_group_bits)
                | groups << (block_column_bits + block_group_bits + block_width_bits);
        }
    }
}

void WheelRenderer::build_still_groups(int32_t begin, int32_t end)
{
    for (int32_t group = std::max(begin, 0); group < std::min(end, m_groups); ++group) {
        int32_t row_begin = group * group_rows, row_end = std::min(row_begin + group_rows, m_rows);
        uint8_t* length = m_still_length + size_t(group) * texture_pitch;
        length[texture_pitch - 1] = 1;
        for (int32_t column = texture_pitch - 2; column >= 0; --column) {
            bool same = true;
            for (int32_t row = row_begin; same && row < row_end; ++row) {
                const uint32_t* texels = m_texture + size_t(row) * texture_pitch;
                same = texels[column] == texels[column + 1];
            }
            length[column] = same ? uint8_t(std::min(length[column + 1] + 1, 255)) : 1;
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

// Angles in units of 1 / (2 * wedge_count * angle_steps) turn (1/98304 with
// twelve wedges): column c's centre is at 2 wedge_count c + wedge_count and
// wedge w spans [2 angle_steps w, 2 angle_steps (w + 1)), so the wedge, spoke
// and label tests are integer arithmetic, which TCG runs natively where every
// double operation is a call into its soft-float library.
constexpr int32_t units_per_wedge = 2 * WheelRenderer::angle_steps;

// What a texture row's texels share: the radius and its thresholds in units.
struct WheelRenderer::TexelRow {
    int32_t row;
    double r;
    double pixels_per_unit; // arc length of one unit at r
    int32_t spoke_units; // nearer than this to a wedge boundary: on the spoke
    int32_t label_units; // nearer than this to a wedge's middle: the label may reach
};

WheelRenderer::TexelRow WheelRenderer::texel_row(int32_t row) const
{
    const WheelGeometry& g = m_geometry;
    TexelRow t {};
    t.row = row;
    t.r = g.hub_radius + row + 0.5;
    t.pixels_per_unit = 2 * pi * t.r / (double(wedge_count) * units_per_wedge);
    // A wheel too small for spokes has spoke_half_width 0: no texel is on one.
    t.spoke_units
        = g.spoke_half_width > 0 ? int32_t((g.spoke_half_width + 0.5) / t.pixels_per_unit) + 1 : 0;
    // The label's half width bounds r * |sin(angle from the middle)|, which is
    // at least 0.988 of the arc within a wedge (|angle| <= pi / 12). A wheel
    // too small for numbers has none: no texel is near one.
    double reach = m_label_width > m_label_height ? m_label_width : m_label_height;
    bool near_label = g.labels && t.r > g.label_radius - reach && t.r < g.label_radius + reach;
    t.label_units = near_label ? int32_t((reach * 1.05 + 2) / t.pixels_per_unit) + 1 : -1;
    return t;
}

Color WheelRenderer::texel(const TexelRow& t, int32_t column, int highlight) const
{
    const WheelGeometry& g = m_geometry;
    int32_t at = 2 * wedge_count * column + wedge_count;
    int wedge = at / units_per_wedge;
    bool coloured = wedge_is_coloured(wedge);
    Color base = coloured ? wheel_colors::coloured : wheel_colors::blank;
    if (wedge == highlight)
        base = coloured ? wheel_colors::highlight_coloured : wheel_colors::highlight_blank;

    // The number, upright with its top outwards, centred in the wedge: only
    // texels within the label's reach need the (costlier) lookup.
    Color color = base;
    int32_t from_middle = at - (units_per_wedge * wedge + units_per_wedge / 2);
    if ((from_middle < 0 ? -from_middle : from_middle) < t.label_units) {
        // The wedge's middle column holds the sine and cosine of its middle angle.
        int32_t mid_column = (2 * wedge + 1) * angle_steps / (2 * wedge_count);
        double mid_sin = m_column_sin[mid_column], mid_cos = m_column_cos[mid_column];
        double px = t.r * m_column_sin[column], py = -t.r * m_column_cos[column];
        double dx = px - g.label_radius * mid_sin, dy = py + g.label_radius * mid_cos;
        double along = dx * mid_cos + dy * mid_sin; // the text's x
        double down = -dx * mid_sin + dy * mid_cos; // the text's y (towards the centre)
        double ink = label_coverage(wedge, along, down);
        if (ink > 0)
            color = blend(base, wheel_colors::light, static_cast<uint32_t>(ink * 255 + 0.5));
    }

    // The spoke on the nearest wedge boundary: coverage by distance in pixels.
    int32_t to_spoke = at - (at + units_per_wedge / 2) / units_per_wedge * units_per_wedge;
    to_spoke = to_spoke < 0 ? -to_spoke : to_spoke;
    if (to_spoke < t.spoke_units) {
        double spoke = g.spoke_half_width + 0.5 - to_spoke * t.pixels_per_unit;
        if (spoke > 0)
            color = blend(color, wheel_colors::light,
                spoke >= 1 ? 255u : static_cast<uint32_t>(spoke * 255 + 0.5));
    }
    return color;
}

void WheelRenderer::build_texture_rows(int32_t begin, int32_t end)
{
    for (int32_t row = std::max(begin, 0); row < std::min(end, m_rows); ++row) {
        uint32_t* out = m_texture + size_t(row) * texture_pitch;
        TexelRow t = texel_row(row);
        for (int32_t column = 0; column < angle_steps; ++column)
            out[column] = out[column + angle_steps] = texel(t, column, m_highlight);
    }
}

void WheelRenderer::build_columns(int32_t column_begin, int32_t column_end)
{
    for (int32_t row = 0; row < m_rows; ++row) {
        uint32_t* out = m_texture + size_t(row) * texture_pitch;
        TexelRow t = texel_row(row);
        for (int32_t column = std::max(column_begin, 0); column < std::min(column_end, angle_steps);
             ++column)
            out[column] = out[column + angle_steps] = texel(t, column, m_highlight);
    }
}

} // namespace rota
