#pragma once

#include <cstdint>

#include "core/display/rect.h"

// Where everything of the Wheel of Fate goes on a screen of a given size
// (docs/roulette.md): the title and subtitle centred at the top, the wheel
// centred below them with radius min(width, height) × 0.35, the pointer at 12
// o'clock just above the rim, the 200×60 fate box under the wheel, the 400×80
// banner under the box, and the heads-up display in the right-hand margin.

namespace rota {

struct RouletteLayout {
    int32_t width, height;
    int32_t title_y, title_scale;
    int32_t subtitle_y, subtitle_scale;
    int32_t wheel_cx, wheel_cy, wheel_radius;
    Rect pointer; // the triangle's bounding box; its tip touches the rim at the top
    Rect fate_box; // 200×60
    Rect banner; // 400×80
    Rect hud; // the margin panel (empty when the screen has no room)
};

RouletteLayout compute_layout(int32_t width, int32_t height);

} // namespace rota
