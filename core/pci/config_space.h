#pragma once

#include <cstdint>

#include "core/cpu/io_space.h"
#include "core/lib/assert.h"
#include "core/pci/bdf.h"

// Access to PCI configuration space, injected (docs/ARCHITECTURE.md): the kernel hands
// enumeration an ECAM or a legacy 0xCF8/0xCFC implementation, host tests a fake
// replaying configuration spaces captured from QEMU.
//
// Reads of an absent function return all ones, as the hardware does (PCI Local
// Bus 3.0, 6.1: a master abort on a configuration read returns 0xFFFF...).
// Offsets are ours to get right: alignment and the size of the space are
// asserted; offsets read from a device are validated before they get here.
//
// 16-bit writes are a primitive of their own rather than a read-modify-write of
// the dword: writing the command register that way would write back the status
// register beside it, whose error bits are write-one-to-clear (6.2.3).

namespace rota {

class ConfigSpace {
public:
    // 4096 for ECAM (PCIe extended configuration space), 256 for legacy.
    virtual uint16_t size() const = 0;

    uint32_t read32(Bdf bdf, uint16_t offset) const
    {
        check(bdf, offset, 4);
        return raw_read32(bdf, offset);
    }
    uint16_t read16(Bdf bdf, uint16_t offset) const
    {
        check(bdf, offset, 2);
        return static_cast<uint16_t>(raw_read32(bdf, offset & ~3u) >> (8 * (offset & 2)));
    }
    uint8_t read8(Bdf bdf, uint16_t offset) const
    {
        check(bdf, offset, 1);
        return static_cast<uint8_t>(raw_read32(bdf, offset & ~3u) >> (8 * (offset & 3)));
    }
    void write32(Bdf bdf, uint16_t offset, uint32_t value)
    {
        check(bdf, offset, 4);
        raw_write32(bdf, offset, value);
    }
    void write16(Bdf bdf, uint16_t offset, uint16_t value)
    {
        check(bdf, offset, 2);
        raw_write16(bdf, offset, value);
    }

    template<class T>
    T read(Bdf bdf, Register<T> reg) const
    {
        static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4);
        auto offset = static_cast<uint16_t>(reg.offset);
        if constexpr (sizeof(T) == 1)
            return read8(bdf, offset);
        else if constexpr (sizeof(T) == 2)
            return read16(bdf, offset);
        else
            return read32(bdf, offset);
    }
    template<class T>
    void write(Bdf bdf, Register<T> reg, T value)
    {
        static_assert(sizeof(T) == 2 || sizeof(T) == 4, "no byte writes to configuration space");
        auto offset = static_cast<uint16_t>(reg.offset);
        if constexpr (sizeof(T) == 2)
            write16(bdf, offset, value);
        else
            write32(bdf, offset, value);
    }

protected:
    ~ConfigSpace() = default;

private:
    void check(Bdf bdf, uint16_t offset, uint16_t width) const
    {
        ROTA_ASSERT(bdf.is_valid());
        ROTA_ASSERT(offset % width == 0);
        ROTA_ASSERT(offset + width <= size());
    }

    // Called with a valid Bdf and an aligned offset inside the space.
    virtual uint32_t raw_read32(Bdf bdf, uint16_t offset) const = 0;
    virtual void raw_write32(Bdf bdf, uint16_t offset, uint32_t value) = 0;
    virtual void raw_write16(Bdf bdf, uint16_t offset, uint16_t value) = 0;
};

} // namespace rota
