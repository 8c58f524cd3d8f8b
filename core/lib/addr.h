#pragma once

#include <compare>
#include <cstdint>

// Physical and virtual addresses are different things that both fit in 64 bits.
// They are distinct types with explicit constructors so that one cannot be passed
// where the other is meant. rota runs identity mapped (the firmware's mapping,
// kept after ExitBootServices), so the conversion is the identity, but it is
// always written out.

namespace rota {

class PhysAddr {
public:
    constexpr PhysAddr() = default;
    constexpr explicit PhysAddr(uint64_t value)
        : m_value(value)
    {
    }
    constexpr uint64_t get() const { return m_value; }
    constexpr PhysAddr offset(uint64_t bytes) const { return PhysAddr(m_value + bytes); }
    constexpr bool is_null() const { return m_value == 0; }
    constexpr auto operator<=>(const PhysAddr&) const = default;

private:
    uint64_t m_value {0};
};

class VirtAddr {
public:
    constexpr VirtAddr() = default;
    constexpr explicit VirtAddr(uint64_t value)
        : m_value(value)
    {
    }
    template<class T>
    explicit VirtAddr(T* pointer)
        : m_value(reinterpret_cast<uintptr_t>(pointer))
    {
    }
    constexpr uint64_t get() const { return m_value; }
    template<class T>
    T* as() const
    {
        return reinterpret_cast<T*>(static_cast<uintptr_t>(m_value));
    }
    constexpr VirtAddr offset(uint64_t bytes) const { return VirtAddr(m_value + bytes); }
    constexpr auto operator<=>(const VirtAddr&) const = default;

private:
    uint64_t m_value {0};
};

inline constexpr uint64_t page_size = 4096;

constexpr uint64_t align_down(uint64_t value, uint64_t alignment)
{
    return value & ~(alignment - 1);
}
constexpr uint64_t align_up(uint64_t value, uint64_t alignment)
{
    return (value + alignment - 1) & ~(alignment - 1);
}

} // namespace rota
