#include "gfx/canvas/aa_disc.h"
#include "gfx/canvas/canvas.h"

namespace rota {

Rect disc_bounds(SubPoint centre, SubPixel radius)
{
    return DiscCoverage(centre, radius).bounds();
}

Rect fill_disc(
    Surface& surface, Rect clip, SubPoint centre, SubPixel radius, Color color, uint8_t opacity)
{
    return paint_shape(surface, clip, DiscCoverage(centre, radius), color, opacity);
}

Rect fill_ring(Surface& surface, Rect clip, SubPoint centre, SubPixel inner_radius,
    SubPixel outer_radius, Color color, uint8_t opacity)
{
    DiscCoverage outer(centre, outer_radius);
    if (inner_radius.raw <= 0)
        return paint_shape(surface, clip, outer, color, opacity);
    if (inner_radius >= outer_radius)
        return {};
    return paint_difference(
        surface, clip, outer, DiscCoverage(centre, inner_radius), color, opacity);
}

} // namespace rota
