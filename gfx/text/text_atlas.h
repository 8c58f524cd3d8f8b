#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/display/rect.h"
#include "core/lib/string_view.h"
#include "gfx/canvas/color.h"
#include "gfx/canvas/surface.h"
#include "gfx/text/font.h"

// Smoothed glyphs rendered once (gfx/text/text_smooth.h) for text that is drawn
// every frame, such as the wheel's numbers: drawing from the atlas is a load
// and a blend per pixel instead of a smoothing pass. The caller owns the
// storage (storage_bytes(scale): 48 KiB at scale 2, 108 KiB at scale 3);
// once prepared the atlas is only read, so every CPU may draw from it at the
// same time.

namespace rota {

class TextAtlas {
public:
    static constexpr size_t storage_bytes(int32_t scale)
    {
        return font_glyph_count * size_t(font_cell_width * scale)
            * size_t(font_cell_height * scale);
    }

    TextAtlas() = default;

    // Renders every glyph at `scale` (2..8) into `storage`, which must hold
    // storage_bytes(scale) bytes and outlive the atlas.
    void prepare(std::span<uint8_t> storage, int32_t scale);

    bool ready() const { return m_storage != nullptr; }
    int32_t scale() const { return m_scale; }

    // Coverage 0..16 of output row `row` of the glyph for `c`
    // (font_cell_width * scale entries).
    const uint8_t* glyph_row(char c, int32_t row) const
    {
        size_t width = size_t(font_cell_width * m_scale),
               height = size_t(font_cell_height * m_scale);
        return m_storage + (font_glyph_index(c) * height + size_t(row)) * width;
    }

    // The output rows [first, last) of the glyph for `c` that have ink.
    int32_t first_row(char c) const { return m_first[font_glyph_index(c)]; }
    int32_t last_row(char c) const { return m_last[font_glyph_index(c)]; }

private:
    uint8_t* m_storage {nullptr};
    int32_t m_scale {0};
    uint8_t m_first[font_glyph_count] {};
    uint8_t m_last[font_glyph_count] {};
};

// draw_text (gfx/text/text.h) at the atlas's scale, drawing the same pixels.
Rect draw_text(Surface& surface, Rect clip, int32_t x, int32_t y, StringView text, Color color,
    const TextAtlas& atlas, int32_t spacing = 0);
Rect draw_text_centered(Surface& surface, Rect clip, Rect box, StringView text, Color color,
    const TextAtlas& atlas, int32_t spacing = 0);

} // namespace rota
