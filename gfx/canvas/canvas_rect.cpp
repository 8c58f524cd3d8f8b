#include "gfx/canvas/aa_convex.h"
#include "gfx/canvas/aa_pixel.h"
#include "gfx/canvas/aa_round_box.h"
#include "gfx/canvas/canvas.h"

namespace rota {

namespace {

// A box as two slabs of axis-aligned edges: exact fractional coverage.
ConvexCoverage<4, EdgeCombine::slabs> box_shape(SubRect rect)
{
    EdgeFunction edges[4] = {
        EdgeFunction::through({rect.x, rect.y}, 1, 0),
        EdgeFunction::through({rect.right(), rect.y}, -1, 0),
        EdgeFunction::through({rect.x, rect.y}, 0, 1),
        EdgeFunction::through({rect.x, rect.bottom()}, 0, -1),
    };
    return {edges, rect_aa_bounds(rect)};
}

} // namespace

Rect fill_rect(Surface& surface, Rect clip, Rect rect, Color color, uint8_t opacity)
{
    Rect area = rect.intersect(clip).intersect(surface.bounds());
    uint32_t alpha = opacity_to_coverage(opacity);
    if (area.empty() || alpha == 0)
        return area;
    for (int32_t y = area.y; y < area.bottom(); ++y)
        blend_pixels(surface.row(y), area.x, area.right(), color, alpha);
    return area;
}

Rect rect_aa_bounds(SubRect rect)
{
    if (rect.width.raw <= 0 || rect.height.raw <= 0)
        return {};
    int32_t x0 = rect.x.floor(), y0 = rect.y.floor();
    return {x0, y0, rect.right().ceil() - x0, rect.bottom().ceil() - y0};
}

Rect fill_rect_aa(Surface& surface, Rect clip, SubRect rect, Color color, uint8_t opacity)
{
    if (rect.width.raw <= 0 || rect.height.raw <= 0)
        return {};
    return paint_shape(surface, clip, box_shape(rect), color, opacity);
}

Rect round_rect_bounds(SubRect rect)
{
    return RoundBoxCoverage(rect, SubPixel {}).bounds();
}

Rect fill_round_rect(
    Surface& surface, Rect clip, SubRect rect, SubPixel radius, Color color, uint8_t opacity)
{
    return paint_shape(surface, clip, RoundBoxCoverage(rect, radius), color, opacity);
}

Rect stroke_round_rect(Surface& surface, Rect clip, SubRect rect, SubPixel radius, SubPixel width,
    Color color, uint8_t opacity)
{
    RoundBoxCoverage outer(rect, radius);
    SubRect hole {rect.x + width, rect.y + width, rect.width - width * 2, rect.height - width * 2};
    if (width.raw <= 0)
        return {};
    if (hole.width.raw <= 0 || hole.height.raw <= 0)
        return paint_shape(surface, clip, outer, color, opacity);
    SubPixel inner_radius = radius > width ? radius - width : SubPixel {};
    return paint_difference(
        surface, clip, outer, RoundBoxCoverage(hole, inner_radius), color, opacity);
}

} // namespace rota
