#pragma once

#include <cstdint>

#include "core/cpu/io_space.h"
#include "core/lib/addr.h"

// Memory-mapped registers at a base address (PCI ECAM, a virtio BAR), reached
// through the same typed Register<T> as PortIoSpace (docs/ARCHITECTURE.md: injected I/O).
// rota runs identity mapped, so the base is the physical address the device
// decodes, written out as a VirtAddr.
//
// Each access is one naturally aligned mov of the register's width, written in
// asm with a "memory" clobber, as Linux's x86 readl/writel are: the compiler can
// neither split, merge nor elide it, nor move ordinary memory accesses across it.
// That is a compiler barrier only; ordering against the device (virtio's rmb/wmb)
// is the caller's business. x86 keeps uncached MMIO accesses in program order.

namespace rota {

class MmioSpace {
public:
    constexpr MmioSpace() = default;
    constexpr explicit MmioSpace(VirtAddr base)
        : m_base(base)
    {
    }

    constexpr VirtAddr base() const { return m_base; }

    // A space that starts `offset` bytes further in (one structure inside a BAR).
    constexpr MmioSpace at(uint64_t offset) const { return MmioSpace(m_base.offset(offset)); }

    template<class T>
    T read(Register<T> reg) const
    {
        static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8);
        const volatile T* address = m_base.offset(reg.offset).template as<const volatile T>();
        T value;
        if constexpr (sizeof(T) == 1)
            asm volatile("movb %1, %0" : "=q"(value) : "m"(*address) : "memory");
        else if constexpr (sizeof(T) == 2)
            asm volatile("movw %1, %0" : "=r"(value) : "m"(*address) : "memory");
        else if constexpr (sizeof(T) == 4)
            asm volatile("movl %1, %0" : "=r"(value) : "m"(*address) : "memory");
        else
            asm volatile("movq %1, %0" : "=r"(value) : "m"(*address) : "memory");
        return value;
    }

    template<class T>
    void write(Register<T> reg, T value) const
    {
        static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8);
        volatile T* address = m_base.offset(reg.offset).template as<volatile T>();
        if constexpr (sizeof(T) == 1)
            asm volatile("movb %1, %0" : "=m"(*address) : "q"(value) : "memory");
        else if constexpr (sizeof(T) == 2)
            asm volatile("movw %1, %0" : "=m"(*address) : "r"(value) : "memory");
        else if constexpr (sizeof(T) == 4)
            asm volatile("movl %1, %0" : "=m"(*address) : "r"(value) : "memory");
        else
            asm volatile("movq %1, %0" : "=m"(*address) : "r"(value) : "memory");
    }

private:
    VirtAddr m_base;
};

} // namespace rota
