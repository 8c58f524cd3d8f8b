#pragma once

#include <cstdint>

#include "core/display/rect.h"
#include "gfx/canvas/aa_subpixel.h"
#include "gfx/canvas/color.h"
#include "gfx/canvas/surface.h"

// Drawing primitives over a Surface (gfx/canvas/surface.h). Every call takes a clip
// rectangle and changes no pixel outside it (nor outside the surface), and
// returns the rectangle it may have changed: the shape's bounds within the
// clip and the surface. The *_bounds functions give the same rectangle
// before any clipping, for damage tracking.
//
// Shapes are anti-aliased: a pixel's coverage (0..1, from a one-pixel ramp
// across the edge: see gfx/canvas/aa_disc.h, gfx/canvas/aa_convex.h) blends the colour onto
// what is already there; `opacity` (0..255) scales it. Positions and sizes
// are SubPixel (1/256 pixel); pixel (x, y) covers [x, x+1) × [y, y+1). A pixel
// gets the same value whatever clip it is drawn through, so redrawing only a
// damaged rectangle equals redrawing everything.

namespace rota {

// Whole pixels, no blending at opacity 255.
Rect fill_rect(Surface& surface, Rect clip, Rect rect, Color color, uint8_t opacity = 255);

// Sub-pixel edges, exact fractional coverage.
Rect fill_rect_aa(Surface& surface, Rect clip, SubRect rect, Color color, uint8_t opacity = 255);
Rect rect_aa_bounds(SubRect rect);

Rect fill_disc(Surface& surface, Rect clip, SubPoint centre, SubPixel radius, Color color,
    uint8_t opacity = 255);
Rect disc_bounds(SubPoint centre, SubPixel radius);

// The annulus inner_radius <= |p - centre| <= outer_radius.
Rect fill_ring(Surface& surface, Rect clip, SubPoint centre, SubPixel inner_radius,
    SubPixel outer_radius, Color color, uint8_t opacity = 255);
inline Rect ring_bounds(SubPoint centre, SubPixel outer_radius)
{
    return disc_bounds(centre, outer_radius);
}

// Any winding order; a triangle with no area draws nothing.
Rect fill_triangle(Surface& surface, Rect clip, SubPoint a, SubPoint b, SubPoint c, Color color,
    uint8_t opacity = 255);
Rect triangle_bounds(SubPoint a, SubPoint b, SubPoint c);

// butt: the line ends at its end points; square: it goes on for half its
// width (polylines join without notches, at the price of a double-blended
// corner).
enum class LineCap : uint8_t { butt, square };

Rect draw_line(Surface& surface, Rect clip, SubPoint from, SubPoint to, SubPixel width, Color color,
    uint8_t opacity = 255, LineCap cap = LineCap::butt);
Rect line_bounds(SubPoint from, SubPoint to, SubPixel width, LineCap cap = LineCap::butt);

// Rounded rectangles: radius is clamped to half the shorter side; 0 gives
// square corners. The stroke lies inside `rect`, `width` thick.
Rect fill_round_rect(
    Surface& surface, Rect clip, SubRect rect, SubPixel radius, Color color, uint8_t opacity = 255);
Rect stroke_round_rect(Surface& surface, Rect clip, SubRect rect, SubPixel radius, SubPixel width,
    Color color, uint8_t opacity = 255);
Rect round_rect_bounds(SubRect rect);

} // namespace rota
