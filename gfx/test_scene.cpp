#include "gfx/test_scene.h"

namespace rota {

Color test_scene_background(int32_t x, int32_t y, int32_t width, int32_t height)
{
    if (y < height / 2)
        return rgb(static_cast<uint8_t>(width > 1 ? x * 255 / (width - 1) : 0), 0x40, 0x80);
    int32_t block = x * 4 / width;
    return test_scene_block_colors[block < 4 ? block : 3];
}

int32_t test_scene_bar_x(uint64_t frame, int32_t width)
{
    int32_t travel = width - test_scene_bar_width;
    return travel > 0 ? static_cast<int32_t>((frame * 8) % static_cast<uint64_t>(travel)) : 0;
}

namespace {

void draw_columns(Surface& surface, int32_t x0, int32_t x1, int32_t bar_x)
{
    for (int32_t y = 0; y < surface.height; ++y) {
        uint32_t* row = surface.row(y);
        for (int32_t x = x0; x < x1; ++x) {
            bool bar = x >= bar_x && x < bar_x + test_scene_bar_width;
            row[x] = bar ? test_scene_bar_color
                         : test_scene_background(x, y, surface.width, surface.height);
        }
    }
}

} // namespace

void draw_test_scene(Surface& surface, uint64_t frame, bool full, Damage& damage)
{
    int32_t bar_x = test_scene_bar_x(frame, surface.width);
    if (full || frame == 0) {
        draw_columns(surface, 0, surface.width, bar_x);
        damage.add(surface.bounds());
        return;
    }
    int32_t old_x = test_scene_bar_x(frame - 1, surface.width);
    Rect old_bar {old_x, 0, test_scene_bar_width, surface.height};
    Rect new_bar {bar_x, 0, test_scene_bar_width, surface.height};
    Rect changed = old_bar.bounding(new_bar).intersect(surface.bounds());
    // When the bar wraps, the two are far apart: redraw each on its own.
    if (changed.width > 2 * test_scene_bar_width + 16) {
        for (Rect r : {old_bar, new_bar}) {
            r = r.intersect(surface.bounds());
            draw_columns(surface, r.x, r.right(), bar_x);
            damage.add(r);
        }
        return;
    }
    draw_columns(surface, changed.x, changed.right(), bar_x);
    damage.add(changed);
}

} // namespace rota
