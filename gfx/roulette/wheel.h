#pragma once

#include <cstddef>
#include <cstdint>

#include "core/display/rect.h"
#include "gfx/canvas/color.h"
#include "gfx/canvas/surface.h"

// The wheel of the Wheel of Fate, drawn fast enough to turn it every frame
// under TCG. Everything that does not turn (the rim, the hub, the black
// outside) is drawn once; what turns (the wedges, spokes and numbers, between
// hub and rim) is a texture in polar coordinates, built once at start-up with
// anti-aliasing in both directions. Each frame, every pixel of the turning
// ring takes its precomputed texel index (its radius picks the row, its angle
// the column), subtracts the wheel's rotation in whole texture columns and
// copies that texel: one subtraction per pixel, two pixels per 8-byte move,
// no trigonometry. Pixels on the ring's two circles blend the texel with the
// precomputed static colour by their precomputed coverage.
//
// A frame drawn over the previous one (the frame loop's contract when it is
// not a full redraw) skips what did not change. The ring's fully covered
// pixels go in blocks of eight; a block knows the texture rows and columns
// its pixels read at rotation 0, and the texture knows, per group of eight
// rows and per column, where the run of columns on which all its rows keep
// one colour ends. When the columns a block reads at both the old and the
// new turn lie inside one such run, in every group it touches, none of its
// pixels changes colour: the block costs one check instead of eight copies.
// Inside a wedge, away from spokes and numbers, most blocks are such.
//
// Memory comes from the caller (the kernel's page allocator, a test's vector).

namespace rota {

namespace wheel_colors {
inline constexpr Color coloured = 0x144e44;
inline constexpr Color blank = 0x1e1e1e;
inline constexpr Color light = 0xc7c7c7; // spokes, rim, hub, numbers
inline constexpr Color highlight_coloured = 0x3dd6c6;
inline constexpr Color highlight_blank = 0x333333;
inline constexpr Color background = 0x000000;
} // namespace wheel_colors

struct WheelGeometry {
    // The smallest wheel that still has a rim, a turning ring and a hub, and
    // the largest whose square fits the 16-bit runs of WheelRenderer.
    static constexpr int32_t min_radius = 3;
    static constexpr int32_t max_radius = 8191;

    int32_t cx, cy, radius;
    int32_t rim_inner; // the turning ring is [hub_radius, rim_inner]
    int32_t hub_radius;
    int32_t hub_hole; // the hub's black centre
    double spoke_half_width; // 0 on wheels too small for spokes
    int32_t label_radius;
    int32_t label_scale;
    bool labels; // the wedge numbers (none on wheels too small to read them)

    // radius in [min_radius, max_radius]. Proportions follow the radius, with
    // floors that keep small wheels legible and every part at least a pixel:
    // hub_hole < hub_radius < rim_inner < radius always.
    static WheelGeometry for_radius(int32_t cx, int32_t cy, int32_t radius);
    // The square the wheel (with its anti-aliased edge) occupies.
    Rect bounds() const
    {
        return {cx - radius - 1, cy - radius - 1, 2 * radius + 3, 2 * radius + 3};
    }
};

class WheelRenderer {
public:
    static constexpr int32_t angle_steps = 4096; // texture columns per turn
    // A texture row holds its turn twice, so that an index minus any turn
    // (0 .. angle_steps - 1) stays inside the row without wrapping.
    static constexpr int32_t texture_pitch = 2 * angle_steps;

    static size_t memory_needed(const WheelGeometry& geometry);

    static constexpr int32_t block_pixels = 16; // a block: this many ring pixels of a row
    static constexpr int32_t group_rows = 8; // texture rows per group of still runs

    // `memory` must hold memory_needed() bytes, 16-byte aligned, and outlive
    // the renderer. Then call build_map_rows() for every row of bounds() (0 ..
    // map_rows()) and build_texture_rows() for every texture row (0 ..
    // texture_rows()), in any order, possibly from several CPUs
    // (gfx/roulette/wheel_build.cpp); once all texture rows are built,
    // build_still_groups() for every group (0 .. still_groups()), likewise.
    void init(const WheelGeometry& geometry, void* memory);
    int32_t map_rows() const { return m_box; }
    void build_map_rows(int32_t begin, int32_t end);
    int32_t texture_rows() const { return m_rows; }
    void build_texture_rows(int32_t begin, int32_t end);
    int32_t still_groups() const { return m_groups; }
    void build_still_groups(int32_t begin, int32_t end);

    // The rotation (turns) in whole texture columns, as draw_rotating turns it.
    static uint32_t turn_of(double rotation);

    const WheelGeometry& geometry() const { return m_geometry; }
    Rect bounds() const { return m_geometry.bounds(); }

    // Lights up `wedge` (-1: none) in its highlight colour.
    void set_highlight(int wedge);
    int highlight() const { return m_highlight; }

    // What never moves, within `clip`: the black square, rim and hub.
    void draw_static(Surface& target, Rect clip) const;
    // The turning ring at `rotation` (turns, clockwise), rows [row_begin,
    // row_end) of bounds() only, clipped: bands can go to different CPUs.
    // `drawn` is the rotation the ring in `target` already shows, drawn by
    // this renderer with no highlight, or negative when that is not known:
    // then every pixel is drawn. Returns how many ring pixels it wrote.
    uint32_t draw_rotating(Surface& target, Rect clip, double rotation, int32_t row_begin,
        int32_t row_end, double drawn = -1.0) const;
    // The turning ring alone at rotation 0, for a display that turns it
    // itself (gfx/display/rotating_layer.h): `out` is bounds()-sized, its
    // pixels premultiplied by the ring's coverage, which goes in the top byte
    // (0 off the ring, so the static wheel under it shows through).
    void draw_ring_image(Surface& out) const;

private:
    struct RowRuns {
        int16_t full[4]; // up to two [begin, end) spans of fully covered pixels
        int16_t partial[8]; // up to four [begin, end) runs of edge pixels
    };
    // Up to block_pixels fully covered pixels of a row, from a full span's
    // start on, in one word (one load under TCG): bits 0-11 the least column
    // its texels lie in at rotation 0 (counted from angle_steps), bits 12-22
    // the first group of texture rows they lie in, bits 23-29 how many more
    // columns they read, bits 30-31 how many groups (0: never skipped). Small
    // because the renderer reads every block every frame: at 1280x800 one
    // CPU's share of them and of the still runs must stay in its caches.
    using StillBlock = uint32_t;
    static constexpr uint32_t block_column_bits = 12, block_group_bits = 11, block_width_bits = 7;

    struct TexelRow;
    TexelRow texel_row(int32_t row) const;
    Color texel(const TexelRow& row, int32_t column, int highlight) const;
    double label_coverage(int wedge, double x, double y) const;
    void build_columns(int32_t column_begin, int32_t column_end);
    void build_blocks(int32_t row);
    int32_t blocks_per_row() const { return m_box / block_pixels + 2; }

    WheelGeometry m_geometry {};
    int32_t m_box {0};
    int32_t m_rows {0};
    int32_t m_groups {0};
    // Per box pixel: its texel at rotation 0, row * texture_pitch + angle_steps
    // + the screen angle in texture columns.
    uint32_t* m_texel_index {nullptr};
    uint32_t* m_static {nullptr}; // per box pixel: the colour without the ring
    uint8_t* m_alpha {nullptr}; // per box pixel: ring coverage, 0..255
    uint32_t* m_texture {nullptr}; // m_rows × texture_pitch
    RowRuns* m_runs {nullptr};
    StillBlock* m_blocks {nullptr}; // blocks_per_row() per box row
    // Per group and texture column c: how many columns from c on every row
    // of the group keeps its colour at c (up to the row's end), at most 255.
    uint8_t* m_still_length {nullptr};
    uint8_t* m_labels {nullptr}; // wedge_count label coverage bitmaps (none without labels)
    double* m_column_sin {nullptr}; // per texture column: the angle's sine and cosine
    double* m_column_cos {nullptr};
    int32_t m_label_width {0}, m_label_height {0};
    int m_highlight {-1};
};

} // namespace rota
