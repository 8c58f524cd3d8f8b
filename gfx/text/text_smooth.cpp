#include "gfx/text/text_smooth.h"

#include "core/lib/assert.h"
#include "gfx/text/font.h"

namespace rota {

namespace {

constexpr int max_samples = 4 * smooth_text_max_scale; // samples per knot spacing, per axis

// Whether sample (m, n) of a cell `samples` wide lies inside the outline. The
// cell spans four knots (pixel centres); `knots` has bit 0 top-left, 1
// top-right, 2 bottom-left, 3 bottom-right. Samples sit at (m + 1/2) /
// samples, so with D = 2 * samples everything is an integer: the field times
// D² is compared with D² / 2 (odd × odd products: never a tie).
constexpr bool sample_inside(int knots, int m, int n, int samples)
{
    int64_t d = 2 * samples, x = 2 * m + 1, y = 2 * n + 1;
    int64_t field = (knots & 1) * (d - x) * (d - y) + ((knots >> 1) & 1) * x * (d - y)
        + ((knots >> 2) & 1) * (d - x) * y + ((knots >> 3) & 1) * x * y;
    if (2 * field >= d * d)
        return true;
    auto magnitude = [](int64_t v) { return v < 0 ? -v : v; };
    if (knots == 0b1001) // top-left and bottom-right only: |fx - fy| < 1/2
        return 2 * magnitude(x - y) < d;
    if (knots == 0b0110) // top-right and bottom-left only: |fx + fy - 1| < 1/2
        return 2 * magnitude(x + y - d) < d;
    return false;
}

struct CellMasks {
    // [scale][knots][sample row] -> bit m set when sample (m, row) is inside.
    uint32_t rows[smooth_text_max_scale + 1][16][max_samples];
};

constexpr CellMasks make_cell_masks()
{
    CellMasks masks {};
    for (int scale = smooth_text_min_scale; scale <= smooth_text_max_scale; ++scale) {
        int samples = 4 * scale;
        for (int knots = 0; knots < 16; ++knots) {
            for (int n = 0; n < samples; ++n) {
                uint32_t bits = 0;
                for (int m = 0; m < samples; ++m)
                    bits |= uint32_t(sample_inside(knots, m, n, samples)) << m;
                masks.rows[scale][knots][n] = bits;
            }
        }
    }
    return masks;
}

constexpr CellMasks cell_masks = make_cell_masks();

constexpr uint8_t bits_in_nibble[16] = {0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4};

// A glyph row with a blank column either side: column c (-1..8) is bit 8 - c.
constexpr uint32_t knot_row(const uint8_t* rows, int32_t row)
{
    return row >= 0 && row < font_cell_height ? uint32_t(rows[row]) << 1 : 0;
}

constexpr uint32_t knot(uint32_t extended_row, int32_t column)
{
    return (extended_row >> (8 - column)) & 1;
}

constexpr int sample_words = 5; // 8 glyph columns of up to 32 samples, plus the margins

} // namespace

bool smooth_glyph_row(const uint8_t* rows, int32_t scale, int32_t out_row, uint8_t* coverage)
{
    ROTA_ASSERT(scale >= smooth_text_min_scale && scale <= smooth_text_max_scale);
    const int32_t samples = 4 * scale;
    const int32_t half = 2 * scale; // knots sit half a source pixel in from the cell edges
    // Sample column s of the glyph is bit s + origin of a row's words; origin
    // is a multiple of 4, so an output pixel's 4 samples never straddle words.
    const int32_t origin = (half + 3) & ~3;
    uint64_t words[4][sample_words] = {};
    bool any = false;
    uint32_t previous_top = ~0u, previous_bottom = ~0u;
    for (int32_t k = 0; k < 4; ++k) {
        int32_t sample_row = 4 * out_row + k + half;
        int32_t cell_row = sample_row / samples;
        int32_t n = sample_row % samples;
        uint32_t top = knot_row(rows, cell_row - 1);
        uint32_t bottom = knot_row(rows, cell_row);
        if ((top | bottom) == 0) {
            previous_top = previous_bottom = ~0u;
            continue;
        }
        if (k > 0 && top == bottom && top == previous_top && bottom == previous_bottom) {
            // Between two equal knot rows the field does not change downwards.
            for (int w = 0; w < sample_words; ++w)
                words[k][w] = words[k - 1][w];
            continue;
        }
        previous_top = top;
        previous_bottom = bottom;
        for (int32_t cell = 0; cell <= font_cell_width; ++cell) {
            uint32_t knots = knot(top, cell - 1) | knot(top, cell) << 1
                | knot(bottom, cell - 1) << 2 | knot(bottom, cell) << 3;
            uint32_t mask = knots != 0 ? cell_masks.rows[scale][knots][n] : 0;
            if (mask == 0)
                continue;
            int32_t start = cell * samples - half + origin;
            int32_t word = start >> 6, shift = start & 63;
            words[k][word] |= uint64_t(mask) << shift;
            if (shift + samples > 64)
                words[k][word + 1] |= uint64_t(mask) >> (64 - shift);
            any = true;
        }
    }
    if (!any)
        return false;
    const int32_t width = font_cell_width * scale;
    for (int32_t x = 0; x < width; ++x) {
        int32_t bit = 4 * x + origin;
        int32_t word = bit >> 6, shift = bit & 63;
        uint32_t total = 0;
        for (int32_t k = 0; k < 4; ++k)
            total += bits_in_nibble[(words[k][word] >> shift) & 15];
        coverage[x] = static_cast<uint8_t>(total);
    }
    return true;
}

SmoothGlyph::SmoothGlyph(const uint8_t* rows, int32_t scale)
    : m_rows(rows)
    , m_scale(scale)
{
    ROTA_ASSERT(scale >= smooth_text_min_scale && scale <= smooth_text_max_scale);
}

// What output row `out_row` depends on: for each of its 4 sample rows, the
// two knot rows around it and, unless they are equal (then the field does
// not change down the cell), where between them it lies.
SmoothGlyph::Key SmoothGlyph::key_of(int32_t out_row) const
{
    Key key;
    const int32_t samples = 4 * m_scale, half = 2 * m_scale;
    for (int32_t k = 0; k < 4; ++k) {
        int32_t sample_row = 4 * out_row + k + half;
        int32_t cell_row = sample_row / samples;
        uint32_t top = knot_row(m_rows, cell_row - 1), bottom = knot_row(m_rows, cell_row);
        uint32_t where = top == bottom ? 0 : static_cast<uint32_t>(sample_row % samples);
        key.samples[k] = top << 20 | bottom << 8 | where;
    }
    return key;
}

const uint8_t* SmoothGlyph::row(int32_t out_row)
{
    Key key = key_of(out_row);
    if (!(key == m_key)) {
        m_key = key;
        m_blank = !smooth_glyph_row(m_rows, m_scale, out_row, m_coverage);
    }
    return m_blank ? nullptr : m_coverage;
}

} // namespace rota
