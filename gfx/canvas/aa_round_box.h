#pragma once

#include <algorithm>
#include <cstdint>

#include "gfx/canvas/aa_math.h"
#include "gfx/canvas/aa_row.h"
#include "gfx/canvas/aa_subpixel.h"

// A rectangle with rounded corners as a coverage function for gfx/canvas/aa_row.h:
// the same one-pixel ramp over the signed distance as gfx/canvas/aa_disc.h. Along
// the sides the distance is exact (so a box with radius 0 has exact
// fractional edges); in a corner it is the disc's (|q|² - r²) / 2r. Corners
// with a radius under one pixel are drawn square.
//
// Coordinates are kept doubled (1/512 pixel) so that the centre of a box with
// an odd raw width is still an integer.

namespace rota {

class RoundBoxCoverage {
public:
    struct Row {
        int32_t y;
        int64_t qy; // |y - centre| - (half height - radius), doubled units
    };

    RoundBoxCoverage(SubRect rect, SubPixel radius)
    {
        int64_t w = std::max(rect.width.raw, 0), h = std::max(rect.height.raw, 0);
        if (w == 0 || h == 0)
            return;
        m_r2x = std::clamp<int64_t>(2 * int64_t(radius.raw), 0, std::min(w, h));
        m_round = m_r2x >= 2 * SubPixel::one;
        m_cx2 = 2 * int64_t(rect.x.raw) + w;
        m_cy2 = 2 * int64_t(rect.y.raw) + h;
        m_ax2 = w - m_r2x;
        m_ay2 = h - m_r2x;
        m_rr = m_r2x * m_r2x;
        m_inverse = m_round ? (int64_t(1) << 32) / (2 * m_r2x) : 0;
        int32_t x0 = static_cast<int32_t>(floor_div(rect.x.raw, SubPixel::one)) - 1;
        int32_t y0 = static_cast<int32_t>(floor_div(rect.y.raw, SubPixel::one)) - 1;
        int32_t x1 = static_cast<int32_t>(floor_div(int64_t(rect.x.raw) + w, SubPixel::one)) + 2;
        int32_t y1 = static_cast<int32_t>(floor_div(int64_t(rect.y.raw) + h, SubPixel::one)) + 2;
        m_bounds = {x0, y0, x1 - x0, y1 - y0};
    }

    Rect bounds() const { return m_bounds; }

    Row row(int32_t y) const { return {y, distance_past(y, m_cy2, m_ay2)}; }

    uint32_t coverage(const Row& row, int32_t x) const
    {
        int64_t qx = distance_past(x, m_cx2, m_ax2);
        int64_t distance; // doubled units
        if (m_round && qx > 0 && row.qy > 0) {
            int64_t excess = qx * qx + row.qy * row.qy - m_rr;
            int64_t limit = 4 * m_r2x * SubPixel::one;
            if (excess >= limit)
                return 0;
            if (excess <= -limit)
                return coverage_full;
            distance = (excess * m_inverse) >> 32;
        } else {
            distance = std::max(qx, row.qy) - m_r2x;
        }
        return static_cast<uint32_t>(
            clamp64(SubPixel::one / 2 - (distance >> 1), 0, coverage_full));
    }

    RowSpans spans(const Row& row) const
    {
        RowSpans s;
        int32_t peak = static_cast<int32_t>(floor_div(m_cx2, 2 * SubPixel::one));
        if (m_hint.follows(row.y)) {
            s = m_hint.spans;
        } else {
            estimate(row, m_r2x + SubPixel::one, peak, s.outer_begin, s.outer_end);
            estimate(row, m_r2x - SubPixel::one, peak, s.solid_begin, s.solid_end);
        }
        refine_run(s.outer_begin, s.outer_end, peak, m_bounds.x, m_bounds.right(),
            [&](int32_t x) { return coverage(row, x) > 0; });
        refine_run(s.solid_begin, s.solid_end, peak, m_bounds.x, m_bounds.right(),
            [&](int32_t x) { return coverage(row, x) == coverage_full; });
        m_hint = {row.y, s};
        return s;
    }

private:
    // How far pixel `p`'s centre lies past the straight part of the box along
    // one axis (negative inside it), doubled units.
    static int64_t distance_past(int32_t p, int64_t centre2, int64_t straight2)
    {
        int64_t d = 2 * (int64_t(p) * SubPixel::one + SubPixel::one / 2) - centre2;
        return (d < 0 ? -d : d) - straight2;
    }

    // Pixels whose centres are within `reach` (doubled units) of the box's
    // straight part on this row.
    void estimate(const Row& row, int64_t reach, int32_t peak, int32_t& begin, int32_t& end) const
    {
        int64_t half = reach; // beside the straight part of the sides
        bool empty = false;
        if (row.qy > 0) { // in a corner's band
            int64_t half2 = reach * reach - row.qy * row.qy;
            empty = reach <= 0 || half2 <= 0;
            half = empty ? 0 : static_cast<int64_t>(isqrt(half2));
        }
        if (empty || m_ax2 + half <= 0) {
            begin = end = peak;
            return;
        }
        int64_t extent = m_ax2 + half;
        begin = static_cast<int32_t>(floor_div(m_cx2 - extent - SubPixel::one, 2 * SubPixel::one))
            + 1;
        end = static_cast<int32_t>(floor_div(m_cx2 + extent - SubPixel::one, 2 * SubPixel::one))
            + 1;
    }

    int64_t m_cx2 {0};
    int64_t m_cy2 {0};
    int64_t m_ax2 {0}; // width minus 2 radii: twice the straight half-width
    int64_t m_ay2 {0};
    int64_t m_r2x {0}; // twice the radius
    int64_t m_rr {0};
    int64_t m_inverse {0};
    bool m_round {false};
    Rect m_bounds {};
    mutable RowHint m_hint;
};

} // namespace rota
