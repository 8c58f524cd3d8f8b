#pragma once

#include <cstddef>
#include <cstdint>

// rota's bitmap font: 8×16 cells, printable ASCII 32..126 and one replacement
// glyph for every other byte. The art is gfx/text/font/rota8x16.txt; the table is
// generated from it into gfx/text/font/rota8x16.cpp (see gfx/text/font/make_font.py).
// Each glyph is 16 rows, top first; in a row, bit 7 is the leftmost column.

namespace rota {

inline constexpr int32_t font_cell_width = 8;
inline constexpr int32_t font_cell_height = 16;
// Ink stays in columns 0..6: column 7 is the gap to the next letter.
inline constexpr int32_t font_ink_width = 7;
// Rows of the cell: capitals and digits occupy [cap_top, baseline), lower
// case [x_height_top, baseline), descenders [baseline, cell_height).
inline constexpr int32_t font_cap_top = 2;
inline constexpr int32_t font_x_height_top = 5;
inline constexpr int32_t font_baseline = 13;

inline constexpr size_t font_glyph_count = 96; // 95 printable + the replacement
inline constexpr size_t font_replacement_index = 95;

extern const uint8_t font_glyph_rows[font_glyph_count][font_cell_height];

constexpr size_t font_glyph_index(char c)
{
    auto byte = static_cast<uint8_t>(c);
    return byte >= 32 && byte <= 126 ? byte - 32 : font_replacement_index;
}

inline const uint8_t* font_glyph(char c)
{
    return font_glyph_rows[font_glyph_index(c)];
}

} // namespace rota
