#include "gfx/text/text_atlas.h"

#include <algorithm>

#include "core/lib/assert.h"
#include "gfx/canvas/aa_pixel.h"
#include "gfx/text/text.h"
#include "gfx/text/text_smooth.h"

namespace rota {

void TextAtlas::prepare(std::span<uint8_t> storage, int32_t scale)
{
    ROTA_ASSERT(scale >= smooth_text_min_scale && scale <= smooth_text_max_scale);
    ROTA_ASSERT(storage.size() >= storage_bytes(scale));
    m_storage = storage.data();
    m_scale = scale;
    const int32_t width = font_cell_width * scale, height = font_cell_height * scale;
    for (size_t g = 0; g < font_glyph_count; ++g) {
        SmoothGlyph glyph(font_glyph_rows[g], scale);
        int32_t first = height, last = 0;
        for (int32_t r = 0; r < height; ++r) {
            uint8_t* out = m_storage + (g * size_t(height) + size_t(r)) * size_t(width);
            const uint8_t* coverage = glyph.row(r);
            if (coverage == nullptr) {
                std::fill(out, out + width, uint8_t(0));
                continue;
            }
            std::copy(coverage, coverage + width, out);
            first = std::min(first, r);
            last = r + 1;
        }
        m_first[g] = static_cast<uint8_t>(first < last ? first : 0);
        m_last[g] = static_cast<uint8_t>(last);
    }
}

Rect draw_text(Surface& surface, Rect clip, int32_t x, int32_t y, StringView text, Color color,
    const TextAtlas& atlas, int32_t spacing)
{
    ROTA_ASSERT(atlas.ready());
    const int32_t scale = atlas.scale();
    Rect area = text_bounds(x, y, text, scale, spacing).intersect(clip).intersect(surface.bounds());
    if (area.empty())
        return area;
    const int32_t step = font_cell_width * scale + spacing, glyph_width = font_ink_width * scale;
    for (size_t i = 0; i < text.size(); ++i) {
        int32_t gx = x + static_cast<int32_t>(i) * step;
        char c = text[i];
        if (gx >= area.right() || gx + glyph_width <= area.x || c == ' ')
            continue;
        int32_t col0 = std::max(area.x - gx, 0), col1 = std::min(area.right() - gx, glyph_width);
        int32_t row0 = std::max(area.y - y, atlas.first_row(c));
        int32_t row1 = std::min(area.bottom() - y, atlas.last_row(c));
        for (int32_t r = row0; r < row1; ++r) {
            const uint8_t* coverage = atlas.glyph_row(c, r);
            uint32_t* pixels = surface.row(y + r) + gx;
            for (int32_t col = col0; col < col1; ++col) {
                uint32_t cover = coverage[col];
                if (cover == smooth_coverage_full)
                    pixels[col] = color;
                else if (cover != 0)
                    pixels[col] = blend_coverage(
                        pixels[col], color, cover * (coverage_full / smooth_coverage_full));
            }
        }
    }
    return area;
}

Rect draw_text_centered(Surface& surface, Rect clip, Rect box, StringView text, Color color,
    const TextAtlas& atlas, int32_t spacing)
{
    Rect at = text_bounds_centered(box, text, atlas.scale(), spacing);
    return draw_text(surface, clip, at.x, at.y, text, color, atlas, spacing);
}

} // namespace rota
