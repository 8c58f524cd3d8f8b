#pragma once

#include <cstddef>
#include <span>

#include "core/display/rect.h"

// The damaged region of a frame: a short list of rectangles that together cover
// every pixel that changed. Adding a rectangle merges it with any it overlaps
// or nearly touches when the merge wastes little area; when the list is full
// the two rectangles whose union wastes least are merged. Fewer, larger
// rectangles mean fewer transfer commands per frame; the waste bound keeps a
// moving object and a distant clock from turning into one screen-sized copy.

namespace rota {

class Damage {
public:
    static constexpr size_t capacity = 8;

    constexpr Damage() = default;
    explicit Damage(Rect bounds)
        : m_bounds(bounds)
    {
    }

    // Everything is clipped to these (the screen).
    void set_bounds(Rect bounds) { m_bounds = bounds; }
    Rect bounds() const { return m_bounds; }

    void add(Rect rect);
    void add_all() { add(m_bounds); }
    void clear() { m_count = 0; }

    bool empty() const { return m_count == 0; }
    std::span<const Rect> rects() const { return {m_rects, m_count}; }
    Rect bounding_box() const;
    int64_t area() const; // sum of the rectangles' areas (they do not overlap)

private:
    void merge_into(size_t index, Rect rect);
    void merge_cheapest_pair();

    Rect m_bounds {};
    Rect m_rects[capacity] {};
    size_t m_count {0};
};

} // namespace rota
