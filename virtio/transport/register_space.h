#pragma once

#include <cstdint>

#include "core/cpu/io_space.h"

// One virtio-pci structure's registers (common configuration, notification,
// ISR or device-specific configuration), reached through an injected space
// (docs/ARCHITECTURE.md): the kernel wraps an MmioSpace at the structure's address, host
// tests a fake register file that models the device and records the order of
// accesses. Only 8-, 16- and 32-bit accesses exist: 4.1.3.1 forbids wider ones.

namespace rota::virtio {

class RegisterSpace {
public:
    virtual uint8_t read8(uint32_t offset) = 0;
    virtual uint16_t read16(uint32_t offset) = 0;
    virtual uint32_t read32(uint32_t offset) = 0;
    virtual void write8(uint32_t offset, uint8_t value) = 0;
    virtual void write16(uint32_t offset, uint16_t value) = 0;
    virtual void write32(uint32_t offset, uint32_t value) = 0;

    template<class T>
    T read(Register<T> reg)
    {
        static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4);
        if constexpr (sizeof(T) == 1)
            return read8(reg.offset);
        else if constexpr (sizeof(T) == 2)
            return read16(reg.offset);
        else
            return read32(reg.offset);
    }

    template<class T>
    void write(Register<T> reg, T value)
    {
        static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4);
        if constexpr (sizeof(T) == 1)
            write8(reg.offset, value);
        else if constexpr (sizeof(T) == 2)
            write16(reg.offset, value);
        else
            write32(reg.offset, value);
    }

protected:
    ~RegisterSpace() = default;
};

// Adapts a concrete space with typed read/write (MmioSpace, PortIoSpace).
template<class Space>
class RegisterSpaceOver final : public RegisterSpace {
public:
    constexpr RegisterSpaceOver() = default;
    constexpr explicit RegisterSpaceOver(Space space)
        : m_space(space)
    {
    }

    uint8_t read8(uint32_t offset) override { return m_space.read(Register<uint8_t> {offset}); }
    uint16_t read16(uint32_t offset) override { return m_space.read(Register<uint16_t> {offset}); }
    uint32_t read32(uint32_t offset) override { return m_space.read(Register<uint32_t> {offset}); }
    void write8(uint32_t offset, uint8_t value) override
    {
        m_space.write(Register<uint8_t> {offset}, value);
    }
    void write16(uint32_t offset, uint16_t value) override
    {
        m_space.write(Register<uint16_t> {offset}, value);
    }
    void write32(uint32_t offset, uint32_t value) override
    {
        m_space.write(Register<uint32_t> {offset}, value);
    }

private:
    Space m_space {};
};

} // namespace rota::virtio
