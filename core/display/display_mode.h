#pragma once

#include <cstdint>

// A display mode in pixels, and the sizes rota accepts for one: the
// configuration's `mode=`, what a device or the firmware reports. The lower
// bound is virtio-gpu's (a scanout must be at least 16×16, docs/platform.md);
// the upper keeps width × height × 4 bytes far from overflowing 32 bits' worth
// of rows and columns.

namespace rota {

struct DisplayMode {
    uint32_t width;
    uint32_t height;

    bool operator==(const DisplayMode&) const = default;
};

inline constexpr uint32_t min_mode_side = 16;
inline constexpr uint32_t max_mode_side = 16384;

constexpr bool mode_side_valid(uint32_t side)
{
    return side >= min_mode_side && side <= max_mode_side;
}

constexpr bool mode_valid(DisplayMode mode)
{
    return mode_side_valid(mode.width) && mode_side_valid(mode.height);
}

} // namespace rota
