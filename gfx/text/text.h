#pragma once

#include <cstdint>

#include "core/display/rect.h"
#include "core/lib/string_view.h"
#include "gfx/canvas/color.h"
#include "gfx/canvas/surface.h"

// Text in rota's 8×16 font (gfx/text/font.h), one line, magnified by a whole
// factor. Scale 1 is the bitmap as drawn; from scale 2 the outline is
// smoothed and anti-aliased (gfx/text/text_smooth.h). Bytes outside 32..126 draw
// the replacement glyph; there is no line breaking ('\n' is such a byte).
//
// Layout: glyph i starts at x + i * (8 * scale + spacing); every glyph's ink
// is 7 * scale wide (the eighth column is the gap) and the line is
// 16 * scale tall, with capitals from row 2 * scale to the baseline at
// 13 * scale. `spacing` is extra room between letters in pixels (negative
// tightens). The text's box runs from the first glyph's left edge to the last
// glyph's ink, so centring it centres the ink.

namespace rota {

inline constexpr int32_t max_text_scale = 8;

int32_t text_width(StringView text, int32_t scale = 1, int32_t spacing = 0);
constexpr int32_t text_height(int32_t scale = 1)
{
    return 16 * scale;
}
// Distance from the top of the line to the baseline.
constexpr int32_t text_baseline(int32_t scale = 1)
{
    return 13 * scale;
}

// The box text drawn at (x, y) occupies: every pixel draw_text can change.
Rect text_bounds(int32_t x, int32_t y, StringView text, int32_t scale = 1, int32_t spacing = 0);
// The box of text centred in `box` (rounded towards the top left).
Rect text_bounds_centered(Rect box, StringView text, int32_t scale = 1, int32_t spacing = 0);

// Draws `text` with its top-left corner at (x, y), blended onto the surface,
// changing no pixel outside `clip`. Returns the rectangle it may have changed:
// text_bounds() within the clip and the surface. scale must be 1..8.
Rect draw_text(Surface& surface, Rect clip, int32_t x, int32_t y, StringView text, Color color,
    int32_t scale = 1, int32_t spacing = 0);

// draw_text at text_bounds_centered(box, ...).
Rect draw_text_centered(Surface& surface, Rect clip, Rect box, StringView text, Color color,
    int32_t scale = 1, int32_t spacing = 0);

} // namespace rota
