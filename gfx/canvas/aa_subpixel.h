#pragma once

#include <cstdint>

#include "core/display/rect.h"

// Sub-pixel geometry for the anti-aliased canvas (gfx/canvas/canvas.h): positions and
// lengths in pixels with 8 fractional bits (24.8 fixed point), a strong type so
// that a whole-pixel int32_t cannot be passed where 1/256ths are meant. Pixel
// (x, y) covers [x, x + 1) × [y, y + 1); its centre is (x + 0.5, y + 0.5).
// All the arithmetic is integer: the kernel never needs the FPU to draw, and
// the same pixel gets the same value whatever clip it is drawn through.

namespace rota {

struct SubPixel {
    static constexpr int32_t shift = 8;
    static constexpr int32_t one = 1 << shift;

    int32_t raw {0};

    static constexpr SubPixel from_raw(int32_t raw) { return SubPixel {raw}; }
    static constexpr SubPixel from_int(int32_t pixels) { return SubPixel {pixels * one}; }
    // numerator / denominator pixels, rounded to the nearest 1/256.
    static constexpr SubPixel from_ratio(int64_t numerator, int64_t denominator)
    {
        int64_t scaled = numerator * one * 2 / denominator;
        return SubPixel {static_cast<int32_t>((scaled + (scaled >= 0 ? 1 : -1)) / 2)};
    }

    constexpr int32_t floor() const { return raw >> shift; }
    constexpr int32_t ceil() const { return (raw + one - 1) >> shift; }

    constexpr SubPixel operator+(SubPixel other) const { return SubPixel {raw + other.raw}; }
    constexpr SubPixel operator-(SubPixel other) const { return SubPixel {raw - other.raw}; }
    constexpr SubPixel operator-() const { return SubPixel {-raw}; }
    constexpr SubPixel operator*(int32_t factor) const { return SubPixel {raw * factor}; }
    constexpr SubPixel operator/(int32_t divisor) const { return SubPixel {raw / divisor}; }
    constexpr auto operator<=>(const SubPixel&) const = default;
};

// 12_px, 280.5_px: compile-time constants only (consteval), so no floating
// point reaches the generated code.
consteval SubPixel operator""_px(unsigned long long pixels)
{
    return SubPixel::from_int(static_cast<int32_t>(pixels));
}
consteval SubPixel operator""_px(long double pixels)
{
    long double scaled = pixels * SubPixel::one;
    return SubPixel::from_raw(static_cast<int32_t>(scaled + (scaled >= 0 ? 0.5L : -0.5L)));
}

struct SubPoint {
    SubPixel x;
    SubPixel y;
    constexpr bool operator==(const SubPoint&) const = default;
};

struct SubRect {
    SubPixel x;
    SubPixel y;
    SubPixel width;
    SubPixel height;

    static constexpr SubRect from_rect(Rect r)
    {
        return {SubPixel::from_int(r.x), SubPixel::from_int(r.y), SubPixel::from_int(r.width),
            SubPixel::from_int(r.height)};
    }
    constexpr SubPixel right() const { return x + width; }
    constexpr SubPixel bottom() const { return y + height; }
};

} // namespace rota
