#pragma once

#include <cstdint>

// Smoothed glyphs for scaled text (gfx/text/text.h, scale >= 2). Magnifying an 8×16
// bitmap by pixel replication gives staircases; instead the glyph's pixels are
// knots of a bilinear field (1 on ink, 0 on paper, interpolated between pixel
// centres) and the outline is where the field is 1/2. Straight strokes keep
// their exact width, convex corners round off, concave corners fill in, and a
// diagonal drawn as a staircase of overlapping runs becomes a straight edge.
// Two ink pixels that touch only at a corner are joined by a band as wide as
// a one-pixel diagonal, rather than pinched to a point.
//
// Each output pixel takes 4×4 samples of that outline (coverage 0..16). The
// inside/outside pattern of a cell between four knots depends only on which
// knots are ink and on the scale, so it comes from a table computed at compile
// time; a row costs a few table lookups per glyph column and a popcount per
// output pixel.

namespace rota {

inline constexpr int32_t smooth_text_min_scale = 2;
inline constexpr int32_t smooth_text_max_scale = 8;
inline constexpr uint32_t smooth_coverage_full = 16;

// Coverage 0..16 of the 8 * scale pixels of output row `out_row` (0 ..
// 16 * scale - 1) of the glyph `rows` (16 rows, bit 7 leftmost) magnified by
// `scale` (2..8). Returns false, leaving `coverage` unspecified, when the
// whole row is paper.
bool smooth_glyph_row(const uint8_t* rows, int32_t scale, int32_t out_row, uint8_t* coverage);

// smooth_glyph_row for one glyph, row after row, remembering the last row:
// where the art repeats a row (a stem), every output row between the two
// knots is the same, and is computed once.
class SmoothGlyph {
public:
    SmoothGlyph(const uint8_t* rows, int32_t scale);

    // The coverage of output row `out_row` (8 * scale entries, valid until
    // the next call), or nullptr when the row is paper.
    const uint8_t* row(int32_t out_row);

private:
    struct Key {
        uint32_t samples[4] {1u << 31, 0, 0, 0}; // knot rows and sample row, per sample row
        bool operator==(const Key&) const = default;
    };
    Key key_of(int32_t out_row) const;

    const uint8_t* m_rows;
    int32_t m_scale;
    Key m_key {};
    bool m_blank {true};
    uint8_t m_coverage[8 * smooth_text_max_scale] {};
};

} // namespace rota
