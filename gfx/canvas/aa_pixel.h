#pragma once

#include <cstdint>

#include "gfx/canvas/color.h"

// Writing coverage onto pixels. Coverage is 0..256 (256 = the pixel is fully
// inside the shape): a power of two so that blending is a multiply and a
// shift, with no division. Red and blue are blended in one multiply, green in
// another (each channel's product fits in 16 bits). Exact at both ends: 0
// leaves the pixel, 256 writes the colour.

namespace rota {

inline constexpr uint32_t coverage_full = 256;

// Opacity 0..255 (as the API takes it) to coverage 0..256, exact at both ends.
constexpr uint32_t opacity_to_coverage(uint8_t opacity)
{
    return opacity + (opacity >> 7);
}

// Coverage scaled by an opacity already in 0..256.
constexpr uint32_t scale_coverage(uint32_t coverage, uint32_t opacity)
{
    return (coverage * opacity) >> 8;
}

constexpr uint32_t blend_coverage(uint32_t destination, Color color, uint32_t coverage)
{
    uint32_t keep = coverage_full - coverage;
    uint32_t red_blue = ((color & 0xff00ff) * coverage + (destination & 0xff00ff) * keep) >> 8;
    uint32_t green = ((color & 0x00ff00) * coverage + (destination & 0x00ff00) * keep) >> 8;
    return (red_blue & 0xff00ff) | (green & 0x00ff00);
}

inline void fill_pixels(uint32_t* row, int32_t begin, int32_t end, Color color)
{
    for (int32_t x = begin; x < end; ++x)
        row[x] = color;
}

// A run of pixels with the same coverage: 256 is a plain fill, 0 nothing.
inline void blend_pixels(uint32_t* row, int32_t begin, int32_t end, Color color, uint32_t coverage)
{
    if (coverage == 0)
        return;
    if (coverage >= coverage_full) {
        fill_pixels(row, begin, end, color);
        return;
    }
    for (int32_t x = begin; x < end; ++x)
        row[x] = blend_coverage(row[x], color, coverage);
}

} // namespace rota
