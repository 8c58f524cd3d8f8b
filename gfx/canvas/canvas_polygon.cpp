#include "gfx/canvas/aa_convex.h"
#include "gfx/canvas/canvas.h"

namespace rota {

namespace {

int64_t cross(SubPoint a, SubPoint b, SubPoint c)
{
    return (int64_t(b.x.raw) - a.x.raw) * (int64_t(c.y.raw) - a.y.raw)
        - (int64_t(b.y.raw) - a.y.raw) * (int64_t(c.x.raw) - a.x.raw);
}

// The edge from p to q with its normal towards the triangle's inside: with
// `sign` the sign of cross(a, b, c), (-dy, dx) * sign points at the third
// vertex whichever way the triangle winds.
EdgeFunction edge(SubPoint p, SubPoint q, int64_t sign)
{
    int64_t dx = int64_t(q.x.raw) - p.x.raw, dy = int64_t(q.y.raw) - p.y.raw;
    return EdgeFunction::between(p, q, -dy * sign, dx * sign);
}

// The four corners of a line's rectangle (for its bounds).
void line_corners(SubPoint from, SubPoint to, SubPixel width, LineCap cap, SubPoint (&corners)[4])
{
    int64_t dx = int64_t(to.x.raw) - from.x.raw, dy = int64_t(to.y.raw) - from.y.raw;
    auto length = static_cast<int64_t>(isqrt(dx * dx + dy * dy));
    int64_t half = width.raw / 2;
    // Unit direction times half the width, in 1/256 pixel.
    int64_t ux = length ? dx * half / length : 0, uy = length ? dy * half / length : 0;
    int64_t ex = cap == LineCap::square ? ux : 0, ey = cap == LineCap::square ? uy : 0;
    auto at = [](int64_t x, int64_t y) {
        return SubPoint {SubPixel::from_raw(static_cast<int32_t>(x)),
            SubPixel::from_raw(static_cast<int32_t>(y))};
    };
    corners[0] = at(from.x.raw - ex - uy, from.y.raw - ey + ux);
    corners[1] = at(from.x.raw - ex + uy, from.y.raw - ey - ux);
    corners[2] = at(to.x.raw + ex - uy, to.y.raw + ey + ux);
    corners[3] = at(to.x.raw + ex + uy, to.y.raw + ey - ux);
}

} // namespace

// One pixel around the vertices: the edge ramps reach half a pixel out. Past
// a very sharp vertex the product of two ramps (under a quarter) would reach
// further; it is cut there, the same way for every clip.
Rect triangle_bounds(SubPoint a, SubPoint b, SubPoint c)
{
    SubPoint points[3] = {a, b, c};
    return cross(a, b, c) == 0 ? Rect {} : bounds_of_points(points, 3, 1);
}

Rect fill_triangle(
    Surface& surface, Rect clip, SubPoint a, SubPoint b, SubPoint c, Color color, uint8_t opacity)
{
    int64_t area2 = cross(a, b, c);
    if (area2 == 0)
        return {};
    int64_t sign = area2 > 0 ? 1 : -1;
    EdgeFunction edges[3] = {edge(a, b, sign), edge(b, c, sign), edge(c, a, sign)};
    ConvexCoverage<3, EdgeCombine::product> shape(edges, triangle_bounds(a, b, c));
    return paint_shape(surface, clip, shape, color, opacity);
}

Rect line_bounds(SubPoint from, SubPoint to, SubPixel width, LineCap cap)
{
    if (width.raw <= 0 || from == to)
        return {};
    SubPoint corners[4];
    line_corners(from, to, width, cap, corners);
    return bounds_of_points(corners, 4, 1);
}

Rect draw_line(Surface& surface, Rect clip, SubPoint from, SubPoint to, SubPixel width, Color color,
    uint8_t opacity, LineCap cap)
{
    if (width.raw <= 0 || from == to)
        return {};
    int64_t dx = int64_t(to.x.raw) - from.x.raw, dy = int64_t(to.y.raw) - from.y.raw;
    int64_t half = width.raw / 2, other_half = width.raw - half;
    int64_t extend = cap == LineCap::square ? half : 0;
    // Two slabs: across the line (its width) and along it (its length). The
    // sides are anchored at the midpoint, so a line drawn either way round
    // covers the same pixels.
    EdgeFunction edges[4] = {
        EdgeFunction::between(from, to, -dy, dx),
        EdgeFunction::between(from, to, dy, -dx),
        EdgeFunction::through(from, dx, dy),
        EdgeFunction::through(to, -dx, -dy),
    };
    edges[0].push_out(half);
    edges[1].push_out(other_half);
    edges[2].push_out(extend);
    edges[3].push_out(extend);
    ConvexCoverage<4, EdgeCombine::slabs> shape(edges, line_bounds(from, to, width, cap));
    return paint_shape(surface, clip, shape, color, opacity);
}

} // namespace rota
