#pragma once

#include <array>
#include <cstddef>
#include <span>

#include "core/lib/assert.h"

// A list with a compile-time capacity, for parsed firmware tables: rota keeps
// their contents in constinit globals, without a heap. What does not fit is
// counted, never written past the end: a table may describe more of anything
// than rota is built for, and that is reported, not fatal.

namespace rota {

template<class T, size_t Capacity>
class FixedList {
public:
    static constexpr size_t capacity = Capacity;

    // False (and the item counted as dropped) when the list is full.
    constexpr bool push(const T& item)
    {
        if (m_size == Capacity) {
            ++m_dropped;
            return false;
        }
        m_items[m_size++] = item;
        return true;
    }

    constexpr size_t size() const { return m_size; }
    constexpr bool empty() const { return m_size == 0; }
    constexpr bool truncated() const { return m_dropped != 0; }
    // How many items did not fit.
    constexpr size_t dropped() const { return m_dropped; }
    constexpr const T& operator[](size_t index) const
    {
        ROTA_ASSERT(index < m_size);
        return m_items[index];
    }
    constexpr std::span<const T> items() const
    {
        return std::span<const T>(m_items.data(), m_size);
    }
    constexpr const T* begin() const { return m_items.data(); }
    constexpr const T* end() const { return m_items.data() + m_size; }

private:
    std::array<T, Capacity> m_items {};
    size_t m_size {0};
    size_t m_dropped {0};
};

} // namespace rota
