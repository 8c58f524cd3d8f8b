#include "gfx/roulette/layout.h"

#include <algorithm>

#include "gfx/roulette/wheel.h"

namespace rota {

namespace {

constexpr int32_t glyph_height = 16; // gfx/text/font: 8×16 cells
constexpr int32_t box_width = 200, box_height = 60;
constexpr int32_t banner_width = 400, banner_height = 80;
constexpr int32_t max_gap = 10, min_gap = 2;
// Below this radius the wheel's numbers are too small to read and the
// stacked layers would dwarf it: such screens show the wheel alone.
constexpr int32_t min_stacked_radius = 40;
// "The wheel chooses your destiny..." at scale 1, the wider of the two lines.
constexpr int32_t subtitle_width = 33 * 8 - 1;
// The heads-up display's content (roulette_scene.cpp, draw_hud) down to its
// first result line, and the margin it needs beside the wheel.
constexpr int32_t hud_min_height = 200, hud_min_margin = 240;

// The wheel's square (WheelGeometry::bounds) lies inside the screen.
bool wheel_inside(int32_t width, int32_t height, int32_t cx, int32_t cy, int32_t radius)
{
    return cx - radius - 1 >= 0 && cx + radius + 2 <= width && cy - radius - 1 >= 0
        && cy + radius + 2 <= height;
}

// Stacks everything top to bottom for a given radius and gap; returns the
// layout, whose banner may end below the screen if they are too big.
RouletteLayout stack(int32_t width, int32_t height, int32_t radius, int32_t gap, bool titles)
{
    RouletteLayout l {};
    l.width = width;
    l.height = height;
    l.wheel_radius = radius;
    l.titles = titles;
    l.title_scale = height >= 700 ? 2 : 1;
    l.subtitle_scale = 1;
    int32_t pointer = pointer_height(radius);

    int32_t y = gap;
    if (titles) {
        l.title_y = y;
        y += glyph_height * l.title_scale + gap / 2;
        l.subtitle_y = y;
        y += glyph_height * l.subtitle_scale + gap;
    }
    l.pointer = {width / 2 - pointer * 3 / 4, y, pointer * 3 / 2, pointer};
    y += pointer;
    l.wheel_cx = width / 2;
    l.wheel_cy = y + radius;
    y = l.wheel_cy + radius + 2 + gap; // below the wheel's anti-aliased edge
    int32_t box = std::min(box_width, width - 2 * min_gap);
    l.fate_box = {width / 2 - box / 2, y, box, box_height};
    y += box_height + gap / 2;
    int32_t banner = std::min(banner_width, width - 2 * min_gap);
    l.banner = {width / 2 - banner / 2, y, banner, banner_height};

    // Beside the widest of the centred layers (the banner, on short screens).
    int32_t margin = width / 2 - std::max({radius + 2, box / 2 + 1, banner / 2 + 1});
    int32_t top = titles ? l.subtitle_y + glyph_height + gap : gap;
    if (margin >= hud_min_margin && height - top - gap >= hud_min_height) {
        int32_t panel_width = std::min(340, margin - 40);
        l.hud = {width - panel_width - 20, top, panel_width, std::min(420, height - top - gap)};
    }
    return l;
}

bool stack_fits(const RouletteLayout& l)
{
    return l.banner.bottom() <= l.height
        && wheel_inside(l.width, l.height, l.wheel_cx, l.wheel_cy, l.wheel_radius);
}

// The wheel and its pointer alone, centred.
RouletteLayout wheel_only(int32_t width, int32_t height, int32_t radius)
{
    RouletteLayout l {};
    l.width = width;
    l.height = height;
    l.wheel_radius = radius;
    int32_t pointer = pointer_height(radius);
    // From the pointer's top to the wheel's lowest (anti-aliased) row.
    int32_t top = (height - (pointer + 2 * radius + 2)) / 2;
    l.pointer = {width / 2 - pointer * 3 / 4, top, pointer * 3 / 2, pointer};
    l.wheel_cx = width / 2;
    l.wheel_cy = top + pointer + radius;
    return l;
}

bool wheel_only_fits(const RouletteLayout& l)
{
    return l.pointer.y >= 0 && l.pointer.x >= 0 && l.pointer.right() <= l.width
        && wheel_inside(l.width, l.height, l.wheel_cx, l.wheel_cy, l.wheel_radius);
}

} // namespace

const char* layout_fit_name(LayoutFit fit)
{
    switch (fit) {
    case LayoutFit::Spec:
        return "spec";
    case LayoutFit::Shrunk:
        return "shrunk";
    case LayoutFit::Compact:
        return "compact";
    case LayoutFit::WheelOnly:
        return "wheel-only";
    case LayoutFit::Blank:
        return "blank";
    }
    return "unknown";
}

const char* layout_fit_reason(LayoutFit fit)
{
    switch (fit) {
    case LayoutFit::Spec:
        return "as specified";
    case LayoutFit::Shrunk:
        return "smaller, so that the title, fate box and banner fit";
    case LayoutFit::Compact:
        return "no room for the title and subtitle";
    case LayoutFit::WheelOnly:
        return "the wheel alone: no room for the title, fate box and banner";
    case LayoutFit::Blank:
        return "no wheel: the screen (or the memory) is too small for one";
    }
    return "unknown";
}

int32_t pointer_height(int32_t radius)
{
    return radius >= 48 ? std::max(12, radius / 14) : std::max(3, radius / 4);
}

// The radius docs/roulette.md gives, with the gaps shrinking first and the
// wheel only if the screen is too short to stack titles, wheel, box and
// banner without overlap (below about 1024×768): overlapping layers would
// have to be redrawn over each other every frame. docs/roulette-layout.md
// says why and what the smaller screens get.
RouletteLayout compute_layout(int32_t width, int32_t height, int32_t max_radius)
{
    width = std::max(width, 0);
    height = std::max(height, 0);
    int32_t spec = std::min(width, height) * 35 / 100;
    int32_t wanted = std::min({spec, max_radius, WheelGeometry::max_radius});
    auto result = [&](RouletteLayout l, LayoutFit fit) {
        l.fit = fit;
        l.spec_radius = spec;
        return l;
    };

    for (bool titles : {true, false}) {
        if (wanted < min_stacked_radius || (titles && width < subtitle_width + 2 * min_gap))
            continue;
        auto fit = [&](const RouletteLayout& l) {
            if (!titles)
                return LayoutFit::Compact;
            return l.wheel_radius == spec ? LayoutFit::Spec : LayoutFit::Shrunk;
        };
        for (int32_t gap = max_gap; gap >= min_gap; --gap) {
            RouletteLayout l = stack(width, height, wanted, gap, titles);
            if (stack_fits(l))
                return result(l, fit(l));
        }
        for (int32_t radius = wanted - 1; radius >= min_stacked_radius; --radius) {
            RouletteLayout l = stack(width, height, radius, min_gap, titles);
            if (stack_fits(l))
                return result(l, fit(l));
        }
    }
    for (int32_t radius = wanted; radius >= WheelGeometry::min_radius; --radius) {
        RouletteLayout l = wheel_only(width, height, radius);
        if (wheel_only_fits(l))
            return result(l, LayoutFit::WheelOnly);
    }
    RouletteLayout blank {};
    blank.width = width;
    blank.height = height;
    return result(blank, LayoutFit::Blank);
}

RouletteLayout smaller_layout(const RouletteLayout& layout)
{
    return compute_layout(layout.width, layout.height, layout.wheel_radius / 2);
}

} // namespace rota
