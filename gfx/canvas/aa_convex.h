#pragma once

#include <algorithm>
#include <cstdint>

#include "gfx/canvas/aa_math.h"
#include "gfx/canvas/aa_row.h"
#include "gfx/canvas/aa_subpixel.h"

// Convex shapes bounded by straight edges (the pointer triangle, thick lines,
// rectangles with sub-pixel edges) as coverage functions for gfx/canvas/aa_row.h.
//
// Each edge is a signed distance e(p) = n·(p - m), positive inside, kept as
// E = 2(a·X + b·Y) + c with (a, b) the unit normal scaled by 2^16 and X, Y in
// 1/256 pixel, so e = E >> 17 in 1/256 pixel, exactly, for every pixel. The
// factor 2 lets an edge be anchored at the midpoint m of its end points
// without rounding, which keeps mirror-image shapes mirror images. An edge alone
// covers clamp(0.5 + e) of a pixel (exact for axis-aligned edges, the usual
// one-pixel ramp otherwise). Edges combine by product (a triangle: right at
// right-angled corners) or as slabs, pairs of opposite edges whose coverage is
// c0 + c1 - 1 (a line or a box: exact for thin ones), two slabs by product.
// Each row's runs are solved exactly from the linear edge functions, one
// division per edge and row.

namespace rota {

struct EdgeFunction {
    int64_t a {0};
    int64_t b {0};
    int64_t c {0};

    static constexpr int shift = 17;

    // The edge through p with inward normal `normal` (any length, not zero).
    static EdgeFunction through(SubPoint p, int64_t normal_x, int64_t normal_y)
    {
        return between(p, p, normal_x, normal_y);
    }

    // The edge through the midpoint of p and q.
    static EdgeFunction between(SubPoint p, SubPoint q, int64_t normal_x, int64_t normal_y)
    {
        auto length = static_cast<int64_t>(isqrt(normal_x * normal_x + normal_y * normal_y));
        EdgeFunction e;
        e.a = (normal_x << 16) / length;
        e.b = (normal_y << 16) / length;
        e.c = -(e.a * (int64_t(p.x.raw) + q.x.raw) + e.b * (int64_t(p.y.raw) + q.y.raw));
        return e;
    }

    // Moves the edge outwards by `distance` (1/256 pixel).
    void push_out(int64_t distance) { c += distance << shift; }
};

enum class EdgeCombine { product, slabs };

template<int N, EdgeCombine Combine>
class ConvexCoverage {
    static_assert(Combine == EdgeCombine::product || N == 4, "slabs are edges {0,1} and {2,3}");

public:
    struct Row {
        int64_t base[N]; // E at the centre of pixel 0 of the row
    };

    ConvexCoverage() = default;
    ConvexCoverage(const EdgeFunction (&edges)[N], Rect bounds)
        : m_bounds(bounds)
    {
        std::copy(edges, edges + N, m_edges);
    }

    Rect bounds() const { return m_bounds; }

    Row row(int32_t y) const
    {
        Row r;
        int64_t centre_y = int64_t(y) * SubPixel::one + SubPixel::one / 2;
        for (int i = 0; i < N; ++i)
            r.base[i]
                = 2 * (m_edges[i].b * centre_y + m_edges[i].a * (SubPixel::one / 2)) + m_edges[i].c;
        return r;
    }

    uint32_t coverage(const Row& row, int32_t x) const
    {
        uint32_t c[N];
        for (int i = 0; i < N; ++i) {
            int64_t e = (2 * m_edges[i].a * SubPixel::one * x + row.base[i]) >> EdgeFunction::shift;
            c[i] = static_cast<uint32_t>(clamp64(SubPixel::one / 2 + e, 0, coverage_full));
        }
        if constexpr (Combine == EdgeCombine::slabs) {
            uint32_t across = static_cast<uint32_t>(
                clamp64(int64_t(c[0]) + c[1] - coverage_full, 0, coverage_full));
            uint32_t along = static_cast<uint32_t>(
                clamp64(int64_t(c[2]) + c[3] - coverage_full, 0, coverage_full));
            return (across * along) >> 8;
        } else {
            uint32_t product = c[0];
            for (int i = 1; i < N; ++i)
                product = (product * c[i]) >> 8;
            return product;
        }
    }

    // Outer: every edge's e > -0.5 (necessary for coverage > 0 under either
    // combination). Solid: every e >= 0.5 (coverage exactly 256).
    RowSpans spans(const Row& row) const
    {
        RowSpans s {m_bounds.x, m_bounds.right(), m_bounds.x, m_bounds.right()};
        for (int i = 0; i < N; ++i) {
            clip_run(i, row, -(SubPixel::one / 2) + 1, s.outer_begin, s.outer_end);
            clip_run(i, row, SubPixel::one / 2, s.solid_begin, s.solid_end);
        }
        return s;
    }

private:
    // Narrows [begin, end) to the pixels where edge i has e >= threshold.
    void clip_run(int i, const Row& row, int64_t threshold, int32_t& begin, int32_t& end) const
    {
        int64_t slope = 2 * m_edges[i].a * SubPixel::one; // E per pixel step
        // e >= threshold  <=>  E >= threshold << shift  <=>  slope·x >= need
        int64_t need = (threshold << EdgeFunction::shift) - row.base[i];
        if (slope == 0) {
            if (need > 0)
                end = begin;
            return;
        }
        if (slope > 0) {
            int64_t first = ceil_div(need, slope);
            if (first > begin)
                begin = static_cast<int32_t>(std::min<int64_t>(first, end));
        } else {
            int64_t last = floor_div(need, slope); // dividing by a negative flips the inequality
            if (last + 1 < end)
                end = static_cast<int32_t>(std::max<int64_t>(last + 1, begin));
        }
        if (end < begin)
            end = begin;
    }

    EdgeFunction m_edges[N] {};
    Rect m_bounds {};
};

// The bounding pixels of some points, grown by `margin` pixels each side.
inline Rect bounds_of_points(const SubPoint* points, int count, int32_t margin)
{
    int32_t x0 = points[0].x.raw, x1 = x0, y0 = points[0].y.raw, y1 = y0;
    for (int i = 1; i < count; ++i) {
        x0 = std::min(x0, points[i].x.raw);
        x1 = std::max(x1, points[i].x.raw);
        y0 = std::min(y0, points[i].y.raw);
        y1 = std::max(y1, points[i].y.raw);
    }
    int32_t left = SubPixel::from_raw(x0).floor() - margin;
    int32_t top = SubPixel::from_raw(y0).floor() - margin;
    int32_t right = SubPixel::from_raw(x1).ceil() + margin;
    int32_t bottom = SubPixel::from_raw(y1).ceil() + margin;
    return {left, top, right - left, bottom - top};
}

} // namespace rota
