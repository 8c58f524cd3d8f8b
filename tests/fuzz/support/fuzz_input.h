#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>
#include <vector>

// Reads a fuzz input front to back. A target takes its parameters first (a
// size, a flag byte, a geometry) and hands the rest to the decoder; once the
// input runs out every read yields zeros, so any byte string is a valid input
// and the fuzzer never wastes runs on inputs the harness refuses.

namespace rota::fuzz {

// memcpy, but an empty span (whose data() may be null) copies nothing without
// passing memcpy a null pointer, which UBSan rightly reports.
inline void copy_bytes(void* destination, std::span<const uint8_t> source)
{
    if (!source.empty())
        std::memcpy(destination, source.data(), source.size());
}

// The input as 16-bit units (UCS-2 text), an odd last byte dropped.
inline std::vector<uint16_t> as_units(std::span<const uint8_t> bytes)
{
    std::vector<uint16_t> units(bytes.size() / 2);
    copy_bytes(units.data(), bytes.first(units.size() * 2));
    return units;
}

class FuzzInput {
public:
    explicit FuzzInput(std::span<const uint8_t> data)
        : m_data(data)
    {
    }

    template<class T>
    T take()
    {
        // A bool or an enum read from arbitrary bytes could hold a value its
        // type does not have: take an integer and convert it instead.
        static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
        T value {};
        size_t n = sizeof(T) < m_data.size() ? sizeof(T) : m_data.size();
        copy_bytes(&value, m_data.first(n));
        m_data = m_data.subspan(n);
        return value;
    }

    // Up to `count` bytes (fewer when the input ends first).
    std::span<const uint8_t> take_bytes(size_t count)
    {
        size_t n = count < m_data.size() ? count : m_data.size();
        auto bytes = m_data.first(n);
        m_data = m_data.subspan(n);
        return bytes;
    }

    std::span<const uint8_t> rest()
    {
        auto bytes = m_data;
        m_data = {};
        return bytes;
    }

    size_t remaining() const { return m_data.size(); }

private:
    std::span<const uint8_t> m_data;
};

} // namespace rota::fuzz
