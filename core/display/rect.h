#pragma once

#include <algorithm>
#include <cstdint>

// An axis-aligned rectangle of pixels, [x, x + width) × [y, y + height).
// Signed origin so that shapes partly off-screen can be described and clipped.

namespace rota {

struct Rect {
    int32_t x {0};
    int32_t y {0};
    int32_t width {0};
    int32_t height {0};

    constexpr bool empty() const { return width <= 0 || height <= 0; }
    constexpr int32_t right() const { return x + width; }
    constexpr int32_t bottom() const { return y + height; }
    constexpr int64_t area() const { return empty() ? 0 : int64_t(width) * height; }
    constexpr bool contains(int32_t px, int32_t py) const
    {
        return px >= x && px < right() && py >= y && py < bottom();
    }
    constexpr bool operator==(const Rect&) const = default;

    constexpr Rect intersect(const Rect& other) const
    {
        int32_t left = std::max(x, other.x);
        int32_t top = std::max(y, other.y);
        int32_t r = std::min(right(), other.right());
        int32_t b = std::min(bottom(), other.bottom());
        if (r <= left || b <= top)
            return {};
        return {left, top, r - left, b - top};
    }

    // The smallest rectangle holding both (an empty one adds nothing).
    constexpr Rect bounding(const Rect& other) const
    {
        if (empty())
            return other;
        if (other.empty())
            return *this;
        int32_t left = std::min(x, other.x);
        int32_t top = std::min(y, other.y);
        return {left, top, std::max(right(), other.right()) - left,
            std::max(bottom(), other.bottom()) - top};
    }

    constexpr bool intersects(const Rect& other) const { return !intersect(other).empty(); }
    constexpr bool covers(const Rect& other) const
    {
        return other.empty() || intersect(other) == other;
    }
};

} // namespace rota
