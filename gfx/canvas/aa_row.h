#pragma once

#include <algorithm>
#include <cstdint>

#include "core/display/rect.h"
#include "gfx/canvas/aa_pixel.h"
#include "gfx/canvas/surface.h"

// The row painter behind every anti-aliased primitive of gfx/canvas/canvas.h.
//
// A shape is a coverage function: coverage(row, x) in 0..256 for pixel (x, y),
// computed from absolute coordinates only, so a pixel gets the same value
// whatever clip rectangle it is drawn through (rendering only the damage
// equals a full render). For speed, a shape also says per row where its
// coverage can be non-zero (`outer`) and where it is certainly full
// (`solid`): solid runs are filled with no per-pixel work, pixels outside
// `outer` are not visited, and only the thin band in between evaluates the
// coverage function.
//
// A Shape provides:
//   Rect bounds() const;                         // every pixel with coverage > 0
//   Row row(int32_t y) const;                    // per-row precomputation
//   RowSpans spans(const Row&) const;            // independent of any clip
//   uint32_t coverage(const Row&, int32_t x) const;

namespace rota {

struct RowSpans {
    // Pixels with coverage > 0 lie in [outer_begin, outer_end); pixels in
    // [solid_begin, solid_end) have coverage 256. Either may be empty.
    int32_t outer_begin {0};
    int32_t outer_end {0};
    int32_t solid_begin {0};
    int32_t solid_end {0};
};

// Rows are painted top to bottom and a curved edge moves little from one row
// to the next, so the previous row's runs are a cheaper estimate than a
// square root. A shape keeps one of these (mutable: it is a cache, and every
// call paints with a shape of its own).
struct RowHint {
    int32_t y {INT32_MIN};
    RowSpans spans {};

    bool follows(int32_t row) const { return y != INT32_MIN && row == y + 1; }
};

// Turns an estimate [begin, end) of the pixels on a row where `holds(x)` is
// true into the exact run. `holds` must be true on one run of pixels that
// contains `peak` if it is true anywhere (coverage that falls away from a
// centre), and the run must lie in [lo, hi). Costs a few evaluations when the
// estimate is within a pixel or two.
template<class Holds>
void refine_run(int32_t& begin, int32_t& end, int32_t peak, int32_t lo, int32_t hi, Holds holds)
{
    if (hi <= lo) {
        begin = end = lo;
        return;
    }
    peak = std::clamp(peak, lo, hi - 1);
    if (!holds(peak)) {
        begin = end = peak;
        return;
    }
    begin = std::clamp(begin, lo, peak);
    end = std::clamp(end, peak + 1, hi);
    if (holds(begin)) {
        while (begin > lo && holds(begin - 1))
            --begin;
    } else {
        while (!holds(begin))
            ++begin;
    }
    if (holds(end - 1)) {
        while (end < hi && holds(end))
            ++end;
    } else {
        while (!holds(end - 1))
            --end;
    }
}

namespace aa_detail {

template<class Shape>
inline void eval_pixels(uint32_t* pixels, const Shape& shape, const typename Shape::Row& row,
    int32_t begin, int32_t end, Color color, uint32_t opacity)
{
    for (int32_t x = begin; x < end; ++x) {
        uint32_t c = scale_coverage(shape.coverage(row, x), opacity);
        if (c != 0)
            pixels[x] = blend_coverage(pixels[x], color, c);
    }
}

inline void sort_small(int32_t* values, int count)
{
    for (int i = 1; i < count; ++i) {
        int32_t v = values[i];
        int j = i;
        for (; j > 0 && values[j - 1] > v; --j)
            values[j] = values[j - 1];
        values[j] = v;
    }
}

constexpr bool in_run(int32_t x, int32_t begin, int32_t end)
{
    return x >= begin && x < end;
}

} // namespace aa_detail

// Paints one shape. Returns the rectangle it may have changed (its bounds
// within the clip and the surface).
template<class Shape>
Rect paint_shape(Surface& surface, Rect clip, const Shape& shape, Color color, uint8_t opacity)
{
    Rect area = shape.bounds().intersect(clip).intersect(surface.bounds());
    uint32_t alpha = opacity_to_coverage(opacity);
    if (area.empty() || alpha == 0)
        return area;
    for (int32_t y = area.y; y < area.bottom(); ++y) {
        auto row = shape.row(y);
        RowSpans s = shape.spans(row);
        int32_t left = std::max(s.outer_begin, area.x);
        int32_t right = std::min(s.outer_end, area.right());
        if (left >= right)
            continue;
        uint32_t* pixels = surface.row(y);
        int32_t solid_begin = std::clamp(s.solid_begin, left, right);
        int32_t solid_end = std::clamp(s.solid_end, solid_begin, right);
        if (s.solid_begin >= s.solid_end)
            solid_begin = solid_end = right;
        aa_detail::eval_pixels(pixels, shape, row, left, solid_begin, color, alpha);
        blend_pixels(pixels, solid_begin, solid_end, color, alpha);
        aa_detail::eval_pixels(pixels, shape, row, solid_end, right, color, alpha);
    }
    return area;
}

// Paints `outer` minus `inner` (a ring, an outlined box): coverage is
// max(0, outer - inner) per pixel. `inner` must lie within `outer`.
template<class Outer, class Inner>
Rect paint_difference(Surface& surface, Rect clip, const Outer& outer, const Inner& inner,
    Color color, uint8_t opacity)
{
    using aa_detail::in_run;
    Rect area = outer.bounds().intersect(clip).intersect(surface.bounds());
    uint32_t alpha = opacity_to_coverage(opacity);
    if (area.empty() || alpha == 0)
        return area;
    Rect inner_bounds = inner.bounds();
    for (int32_t y = area.y; y < area.bottom(); ++y) {
        auto orow = outer.row(y);
        RowSpans o = outer.spans(orow);
        int32_t left = std::max(o.outer_begin, area.x);
        int32_t right = std::min(o.outer_end, area.right());
        if (left >= right)
            continue;
        auto irow = inner.row(y);
        RowSpans i {};
        if (y >= inner_bounds.y && y < inner_bounds.bottom())
            i = inner.spans(irow);
        // Between consecutive breakpoints every pixel is in the same case.
        int32_t cuts[10] = {left, right, o.solid_begin, o.solid_end, i.outer_begin, i.outer_end,
            i.solid_begin, i.solid_end, left, right};
        for (int32_t& c : cuts)
            c = std::clamp(c, left, right);
        aa_detail::sort_small(cuts, 10);
        uint32_t* pixels = surface.row(y);
        for (int k = 0; k + 1 < 10; ++k) {
            int32_t a = cuts[k], b = cuts[k + 1];
            if (a >= b)
                continue;
            if (in_run(a, i.solid_begin, i.solid_end))
                continue; // the hole
            bool touches_inner = in_run(a, i.outer_begin, i.outer_end);
            if (!touches_inner && in_run(a, o.solid_begin, o.solid_end)) {
                blend_pixels(pixels, a, b, color, alpha);
                continue;
            }
            for (int32_t x = a; x < b; ++x) {
                int32_t c = static_cast<int32_t>(outer.coverage(orow, x));
                if (touches_inner)
                    c -= static_cast<int32_t>(inner.coverage(irow, x));
                if (c > 0)
                    pixels[x] = blend_coverage(
                        pixels[x], color, scale_coverage(static_cast<uint32_t>(c), alpha));
            }
        }
    }
    return area;
}

} // namespace rota
