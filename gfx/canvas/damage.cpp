#include "gfx/canvas/damage.h"

namespace rota {

namespace {

// Merging is worth it when the union is at most this much larger than the
// parts: an overlap saves the doubly-covered area and a transfer command.
constexpr int64_t waste_numerator = 5;
constexpr int64_t waste_denominator = 4;

bool worth_merging(const Rect& a, const Rect& b)
{
    Rect merged = a.bounding(b);
    Rect overlap = a.intersect(b);
    int64_t parts = a.area() + b.area() - overlap.area();
    return merged.area() * waste_denominator <= parts * waste_numerator;
}

} // namespace

void Damage::add(Rect rect)
{
    rect = rect.intersect(m_bounds);
    if (rect.empty())
        return;
    for (size_t i = 0; i < m_count; ++i) {
        if (m_rects[i].covers(rect))
            return;
        if (rect.intersects(m_rects[i]) || worth_merging(rect, m_rects[i])) {
            merge_into(i, rect);
            return;
        }
    }
    if (m_count == capacity) {
        // The merged pair may now overlap `rect`: place it again.
        merge_cheapest_pair();
        add(rect);
        return;
    }
    m_rects[m_count++] = rect;
}

// Replaces rects[index] by its union with `rect`, then absorbs whatever else
// the grown rectangle now overlaps, so the list stays disjoint.
void Damage::merge_into(size_t index, Rect rect)
{
    Rect grown = m_rects[index].bounding(rect);
    m_rects[index] = m_rects[--m_count];
    for (size_t i = 0; i < m_count;) {
        if (grown.intersects(m_rects[i])) {
            grown = grown.bounding(m_rects[i]);
            m_rects[i] = m_rects[--m_count];
            i = 0;
        } else {
            ++i;
        }
    }
    m_rects[m_count++] = grown;
}

void Damage::merge_cheapest_pair()
{
    size_t best_a = 0, best_b = 1;
    int64_t best_waste = INT64_MAX;
    for (size_t a = 0; a < m_count; ++a) {
        for (size_t b = a + 1; b < m_count; ++b) {
            int64_t waste
                = m_rects[a].bounding(m_rects[b]).area() - m_rects[a].area() - m_rects[b].area();
            if (waste < best_waste) {
                best_waste = waste;
                best_a = a;
                best_b = b;
            }
        }
    }
    Rect other = m_rects[best_b];
    m_rects[best_b] = m_rects[--m_count];
    merge_into(best_a, other);
}

Rect Damage::bounding_box() const
{
    Rect box;
    for (size_t i = 0; i < m_count; ++i)
        box = box.bounding(m_rects[i]);
    return box;
}

int64_t Damage::area() const
{
    int64_t total = 0;
    for (size_t i = 0; i < m_count; ++i)
        total += m_rects[i].area();
    return total;
}

} // namespace rota
