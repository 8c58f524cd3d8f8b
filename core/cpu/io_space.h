#pragma once

#include <cstdint>

#include "core/cpu/x86.h"

// Register access is injected (docs/ARCHITECTURE.md): drivers take an I/O space object and
// read/write typed registers through it, so host tests can hand them a fake.
// A Register names one register: its offset from the space's base and its
// width, so the width travels with the name and cannot be mixed up.

namespace rota {

template<class T>
struct Register {
    uint32_t offset;
};

// The x86 port I/O space at a base port (a 16550's 0x3f8, the PIT's 0x40).
class PortIoSpace {
public:
    constexpr explicit PortIoSpace(uint16_t base)
        : m_base(base)
    {
    }

    template<class T>
    T read(Register<T> reg) const
    {
        uint16_t port = static_cast<uint16_t>(m_base + reg.offset);
        if constexpr (sizeof(T) == 1)
            return x86::inb(port);
        else if constexpr (sizeof(T) == 2)
            return x86::inw(port);
        else
            return x86::inl(port);
    }

    template<class T>
    void write(Register<T> reg, T value) const
    {
        uint16_t port = static_cast<uint16_t>(m_base + reg.offset);
        if constexpr (sizeof(T) == 1)
            x86::outb(port, value);
        else if constexpr (sizeof(T) == 2)
            x86::outw(port, value);
        else
            x86::outl(port, value);
    }

private:
    uint16_t m_base;
};

} // namespace rota
