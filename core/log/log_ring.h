#pragma once

#include <cstddef>
#include <cstdint>

// The byte ring behind the serial log (docs/serial.md). Lines go in whole or not
// at all: a full ring drops the line and counts it, so a reader never sees half a
// line and the summary can say how many were lost. Not synchronised: the kernel
// log holds its lock around every call.

namespace rota {

template<size_t Capacity>
class LogRing {
    static_assert((Capacity & (Capacity - 1)) == 0, "capacity must be a power of two");

public:
    constexpr LogRing() = default;

    // Appends `length` bytes as one unit; false (and a drop counted) if they do
    // not all fit.
    bool push(const char* data, size_t length)
    {
        if (length > free_space()) {
            ++m_dropped;
            return false;
        }
        for (size_t i = 0; i < length; ++i)
            m_bytes[(m_head + i) & (Capacity - 1)] = data[i];
        m_head += length;
        return true;
    }

    bool empty() const { return m_head == m_tail; }
    size_t used() const { return static_cast<size_t>(m_head - m_tail); }
    size_t free_space() const { return Capacity - used(); }
    char peek() const { return m_bytes[m_tail & (Capacity - 1)]; }
    void consume(size_t count) { m_tail += count <= used() ? count : used(); }
    uint64_t dropped() const { return m_dropped; }

private:
    // Free-running counters: head - tail is the fill level even across wrap.
    uint64_t m_head {0};
    uint64_t m_tail {0};
    uint64_t m_dropped {0};
    char m_bytes[Capacity] {};
};

} // namespace rota
