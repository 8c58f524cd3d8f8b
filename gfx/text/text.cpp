#include "gfx/text/text.h"

#include <algorithm>

#include "core/lib/assert.h"
#include "gfx/canvas/aa_pixel.h"
#include "gfx/text/font.h"
#include "gfx/text/text_smooth.h"

namespace rota {

namespace {

int32_t advance(int32_t scale, int32_t spacing)
{
    return font_cell_width * scale + spacing;
}

// The bitmap as it is, one pixel per font pixel.
void draw_glyph_plain(
    Surface& surface, Rect area, int32_t x, int32_t y, const uint8_t* rows, Color color)
{
    int32_t col0 = std::max(area.x - x, 0), col1 = std::min(area.right() - x, font_ink_width);
    int32_t row0 = std::max(area.y - y, 0), row1 = std::min(area.bottom() - y, font_cell_height);
    for (int32_t r = row0; r < row1; ++r) {
        uint32_t bits = rows[r];
        if (bits == 0)
            continue;
        uint32_t* pixels = surface.row(y + r) + x;
        for (int32_t c = col0; c < col1; ++c) {
            if (bits & (0x80u >> c))
                pixels[c] = color;
        }
    }
}

void draw_glyph_smooth(Surface& surface, Rect area, int32_t x, int32_t y, const uint8_t* rows,
    Color color, int32_t scale)
{
    int32_t col0 = std::max(area.x - x, 0),
            col1 = std::min(area.right() - x, font_ink_width * scale);
    int32_t row0 = std::max(area.y - y, 0),
            row1 = std::min(area.bottom() - y, font_cell_height * scale);
    SmoothGlyph glyph(rows, scale);
    for (int32_t r = row0; r < row1; ++r) {
        const uint8_t* coverage = glyph.row(r);
        if (coverage == nullptr)
            continue;
        uint32_t* pixels = surface.row(y + r) + x;
        for (int32_t c = col0; c < col1; ++c) {
            uint32_t cover = coverage[c];
            if (cover == smooth_coverage_full)
                pixels[c] = color;
            else if (cover != 0)
                pixels[c] = blend_coverage(
                    pixels[c], color, cover * (coverage_full / smooth_coverage_full));
        }
    }
}

} // namespace

int32_t text_width(StringView text, int32_t scale, int32_t spacing)
{
    if (text.empty())
        return 0;
    auto count = static_cast<int32_t>(text.size());
    return count * advance(scale, spacing) - spacing - (font_cell_width - font_ink_width) * scale;
}

Rect text_bounds(int32_t x, int32_t y, StringView text, int32_t scale, int32_t spacing)
{
    return {x, y, text_width(text, scale, spacing), text_height(scale)};
}

Rect text_bounds_centered(Rect box, StringView text, int32_t scale, int32_t spacing)
{
    int32_t width = text_width(text, scale, spacing), height = text_height(scale);
    // Floor division, so that a box smaller than the text still centres it.
    auto half = [](int32_t v) { return v >= 0 ? v / 2 : -((1 - v) / 2); };
    return {box.x + half(box.width - width), box.y + half(box.height - height), width, height};
}

Rect draw_text(Surface& surface, Rect clip, int32_t x, int32_t y, StringView text, Color color,
    int32_t scale, int32_t spacing)
{
    ROTA_ASSERT(scale >= 1 && scale <= max_text_scale);
    Rect area = text_bounds(x, y, text, scale, spacing).intersect(clip).intersect(surface.bounds());
    if (area.empty())
        return area;
    int32_t step = advance(scale, spacing);
    int32_t glyph_width = font_ink_width * scale;
    for (size_t i = 0; i < text.size(); ++i) {
        int32_t gx = x + static_cast<int32_t>(i) * step;
        if (gx >= area.right() || gx + glyph_width <= area.x || text[i] == ' ')
            continue;
        const uint8_t* rows = font_glyph(text[i]);
        if (scale == 1)
            draw_glyph_plain(surface, area, gx, y, rows, color);
        else
            draw_glyph_smooth(surface, area, gx, y, rows, color, scale);
    }
    return area;
}

Rect draw_text_centered(Surface& surface, Rect clip, Rect box, StringView text, Color color,
    int32_t scale, int32_t spacing)
{
    Rect at = text_bounds_centered(box, text, scale, spacing);
    return draw_text(surface, clip, at.x, at.y, text, color, scale, spacing);
}

} // namespace rota
