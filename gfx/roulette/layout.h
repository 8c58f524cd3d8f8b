#pragma once

#include <cstdint>

#include "core/display/rect.h"

// Where everything of the Wheel of Fate goes on a screen of a given size
// (docs/roulette.md): the title and subtitle centred at the top, the wheel
// centred below them with radius min(width, height) × 0.35, the pointer at 12
// o'clock just above the rim, the 200×60 fate box under the wheel, the 400×80
// banner under the box, and the heads-up display in the right-hand margin.
//
// Layers never overlap (each is redrawn on its own), so a screen too small
// for all of them at that radius gets, in this order (docs/roulette-layout.md):
//   Shrunk     everything, the gaps and then the wheel smaller (heights
//              under about 768 px: the radius falls below 0.35 × min(w, h));
//   Compact    no title and subtitle (too narrow or too short for them);
//   WheelOnly  just the wheel and its pointer, as large as fits (the landed
//              wedge still lights up; the result is on serial);
//   Blank      nothing but the black background (smaller than any wheel).
// The fate box and banner are narrowed to the screen's width when it is
// narrower than they are. Every rectangle lies inside the screen; an element
// that is not shown has an empty one (and the wheel radius 0).

namespace rota {

enum class LayoutFit : uint8_t { Spec, Shrunk, Compact, WheelOnly, Blank };
const char* layout_fit_name(LayoutFit fit);
// What a fit other than Spec leaves out, for the log ("the wheel alone: ...").
const char* layout_fit_reason(LayoutFit fit);

struct RouletteLayout {
    int32_t width, height;
    LayoutFit fit;
    int32_t spec_radius; // min(width, height) × 0.35, the full radius (docs/roulette.md)
    bool titles; // the title and subtitle are shown
    int32_t title_y, title_scale;
    int32_t subtitle_y, subtitle_scale;
    int32_t wheel_cx, wheel_cy, wheel_radius; // radius 0: no wheel
    Rect pointer; // the triangle's bounding box; its tip touches the rim at the top
    Rect fate_box; // 200×60, or narrower on a narrow screen
    Rect banner; // 400×80, or narrower on a narrow screen
    Rect hud; // the margin panel (empty when the screen has no room)
};

// The largest layout for the screen whose wheel radius is at most
// `max_radius` (the caller's memory may not hold a larger wheel).
RouletteLayout compute_layout(int32_t width, int32_t height, int32_t max_radius = INT32_MAX);

// The layout to try when the wheel of `layout` does not fit in memory: the
// same screen with half the radius; after the smallest wheel, Blank (no
// wheel, no memory). Repeated calls always reach Blank.
RouletteLayout smaller_layout(const RouletteLayout& layout);

// The pointer's height for a wheel of `radius` (its width is 1.5 times that).
int32_t pointer_height(int32_t radius);

} // namespace rota
