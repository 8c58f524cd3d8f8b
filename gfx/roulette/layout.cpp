#include "gfx/roulette/layout.h"

#include <algorithm>

namespace rota {

namespace {

constexpr int32_t glyph_height = 16; // gfx/text/font: 8×16 cells
constexpr int32_t box_width = 200, box_height = 60;
constexpr int32_t banner_width = 400, banner_height = 80;
constexpr int32_t max_gap = 10, min_gap = 2;

// Stacks everything top to bottom for a given radius and gap; returns the
// layout, whose banner may end below the screen if they are too big.
RouletteLayout stack(int32_t width, int32_t height, int32_t radius, int32_t gap)
{
    RouletteLayout l {};
    l.width = width;
    l.height = height;
    l.wheel_radius = radius;
    l.title_scale = height >= 700 ? 2 : 1;
    l.subtitle_scale = 1;
    int32_t pointer_height = std::max(12, radius / 14);

    int32_t y = gap;
    l.title_y = y;
    y += glyph_height * l.title_scale + gap / 2;
    l.subtitle_y = y;
    y += glyph_height * l.subtitle_scale + gap;
    l.pointer = {width / 2 - pointer_height * 3 / 4, y, pointer_height * 3 / 2, pointer_height};
    y += pointer_height;
    l.wheel_cx = width / 2;
    l.wheel_cy = y + radius;
    y = l.wheel_cy + radius + 2 + gap; // below the wheel's anti-aliased edge
    l.fate_box = {width / 2 - box_width / 2, y, box_width, box_height};
    y += box_height + gap / 2;
    l.banner = {width / 2 - banner_width / 2, y, banner_width, banner_height};

    int32_t margin = (width - 2 * radius) / 2;
    if (margin >= 240) {
        int32_t panel_width = std::min(340, margin - 40);
        int32_t top = l.subtitle_y + glyph_height + gap;
        l.hud = {width - panel_width - 20, top, panel_width, std::min(420, height - top - gap)};
    }
    return l;
}

} // namespace

// The radius docs/roulette.md gives, with the gaps shrinking first and the
// wheel only if the screen is too short to stack titles, wheel, box and
// banner without overlap (below about 1024×768): overlapping layers would
// have to be redrawn over each other every frame.
RouletteLayout compute_layout(int32_t width, int32_t height)
{
    int32_t radius = std::min(width, height) * 35 / 100;
    for (int32_t gap = max_gap; gap >= min_gap; --gap) {
        RouletteLayout l = stack(width, height, radius, gap);
        if (l.banner.bottom() <= height)
            return l;
    }
    for (; radius > 16; --radius) {
        RouletteLayout l = stack(width, height, radius, min_gap);
        if (l.banner.bottom() <= height)
            return l;
    }
    return stack(width, height, radius, min_gap);
}

} // namespace rota
