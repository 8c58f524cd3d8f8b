#pragma once

#include <cstdint>

#include "gfx/canvas/aa_math.h"
#include "gfx/canvas/aa_row.h"
#include "gfx/canvas/aa_subpixel.h"

// A filled disc as a coverage function for gfx/canvas/aa_row.h. A pixel's coverage
// is 0.5 - d, clamped to [0, 1], where d is the signed distance from the
// pixel's centre to the circle: a one-pixel ramp across the edge, which
// integrates to the exact area of a straight edge and to within π/12 pixel²
// of πr² for a whole disc. d is approximated as (|p - c|² - r²) / 2r, good to
// d²/2r: no square root per pixel, one multiplication by a reciprocal taken
// once per disc.

namespace rota {

class DiscCoverage {
public:
    struct Row {
        int32_t y;
        int64_t dy2;
    };

    DiscCoverage(SubPoint centre, SubPixel radius)
        : m_cx(centre.x.raw)
        , m_cy(centre.y.raw)
        , m_r(radius.raw > 0 ? radius.raw : 0)
        , m_r2(m_r * m_r)
        , m_inverse(m_r > 0 ? (int64_t(1) << 32) / (2 * m_r) : 0)
    {
        if (m_r > 0) {
            // |d| < r + 0.5 wherever coverage > 0; one spare pixel each side
            // absorbs the rounding of the reciprocal.
            int32_t x0 = static_cast<int32_t>(floor_div(m_cx - m_r, SubPixel::one)) - 1;
            int32_t y0 = static_cast<int32_t>(floor_div(m_cy - m_r, SubPixel::one)) - 1;
            int32_t x1 = static_cast<int32_t>(floor_div(m_cx + m_r, SubPixel::one)) + 2;
            int32_t y1 = static_cast<int32_t>(floor_div(m_cy + m_r, SubPixel::one)) + 2;
            m_bounds = {x0, y0, x1 - x0, y1 - y0};
        }
    }

    Rect bounds() const { return m_bounds; }

    Row row(int32_t y) const
    {
        int64_t dy = int64_t(y) * SubPixel::one + SubPixel::one / 2 - m_cy;
        return {y, dy * dy};
    }

    uint32_t coverage(const Row& row, int32_t x) const
    {
        int64_t dx = int64_t(x) * SubPixel::one + SubPixel::one / 2 - m_cx;
        int64_t excess = dx * dx + row.dy2 - m_r2; // d² - r², 16 fractional bits
        int64_t limit = 2 * m_r * SubPixel::one; // |d| beyond a pixel: skip the product
        if (excess >= limit)
            return 0;
        if (excess <= -limit)
            return coverage_full;
        int64_t distance = (excess * m_inverse) >> 32; // d, 8 fractional bits
        return static_cast<uint32_t>(clamp64(SubPixel::one / 2 - distance, 0, coverage_full));
    }

    RowSpans spans(const Row& row) const
    {
        RowSpans s;
        int32_t peak = static_cast<int32_t>(floor_div(m_cx, SubPixel::one));
        if (m_hint.follows(row.y)) {
            s = m_hint.spans;
        } else {
            estimate(row, m_r + SubPixel::one / 2, peak, s.outer_begin, s.outer_end);
            estimate(row, m_r - SubPixel::one / 2, peak, s.solid_begin, s.solid_end);
        }
        refine_run(s.outer_begin, s.outer_end, peak, m_bounds.x, m_bounds.right(),
            [&](int32_t x) { return coverage(row, x) > 0; });
        refine_run(s.solid_begin, s.solid_end, peak, m_bounds.x, m_bounds.right(),
            [&](int32_t x) { return coverage(row, x) == coverage_full; });
        m_hint = {row.y, s};
        return s;
    }

private:
    // Pixels whose centres are within `radius` of the centre on this row,
    // from one square root (refine_run makes it exact).
    void estimate(const Row& row, int64_t radius, int32_t peak, int32_t& begin, int32_t& end) const
    {
        int64_t half2 = radius * radius - row.dy2;
        if (radius <= 0 || half2 <= 0) {
            begin = end = peak;
            return;
        }
        auto half = static_cast<int64_t>(isqrt(half2));
        begin = static_cast<int32_t>(floor_div(m_cx - half - SubPixel::one / 2, SubPixel::one)) + 1;
        end = static_cast<int32_t>(floor_div(m_cx + half - SubPixel::one / 2, SubPixel::one)) + 1;
    }

    int64_t m_cx;
    int64_t m_cy;
    int64_t m_r;
    int64_t m_r2;
    int64_t m_inverse; // 2^32 / 2r
    Rect m_bounds {};
    mutable RowHint m_hint;
};

} // namespace rota
