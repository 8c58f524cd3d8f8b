#pragma once

#include <cstdint>

#include "gfx/canvas/color.h"
#include "gfx/canvas/damage.h"
#include "gfx/canvas/surface.h"
#include "gfx/scene.h"

// A scene with known colours at known places and a part that moves, for
// checking a display from screenshots before the roulette exists (and for the
// present-path benchmark). The top half is a horizontal gradient, the bottom
// half four solid blocks, and a white bar sweeps across the full height.
//   gradient pixel (x, y < h/2):  rgb(x * 255 / (w - 1), 0x40, 0x80)
//   block k (x in [k*w/4, (k+1)*w/4), y >= h/2): test_scene_block_colors[k]
//   bar: test_scene_bar_width columns of test_scene_bar_color at bar_x

namespace rota {

inline constexpr Color test_scene_block_colors[4] = {0xc7c7c7, 0x144e44, 0xffe087, 0xe35d5b};
inline constexpr Color test_scene_bar_color = 0xffffff;
inline constexpr int32_t test_scene_bar_width = 48;

// The background colour at (x, y) for a `width`×`height` scene.
Color test_scene_background(int32_t x, int32_t y, int32_t width, int32_t height);

// Where the bar is in frame `frame` (moves 8 pixels a frame and wraps).
int32_t test_scene_bar_x(uint64_t frame, int32_t width);

// Draws frame `frame`. The first frame (or `full`) draws everything; later
// frames redraw only the bar's old and new columns, and add them to `damage`.
void draw_test_scene(Surface& surface, uint64_t frame, bool full, Damage& damage);

class TestScene final : public Scene {
public:
    void draw(Surface& target, uint64_t frame, uint64_t, bool full, Damage& damage) override
    {
        draw_test_scene(target, frame, full, damage);
    }
};

} // namespace rota
