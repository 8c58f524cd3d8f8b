#pragma once

#include <cstdint>

// Thin wrappers over the x86-64 instructions rota needs. Each is one
// instruction; the names say what the instruction does, the comments say why
// the constraints are what they are.

namespace rota::x86 {

inline void outb(uint16_t port, uint8_t value)
{
    asm volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}
inline void outw(uint16_t port, uint16_t value)
{
    asm volatile("outw %0, %1" : : "a"(value), "Nd"(port));
}
inline void outl(uint16_t port, uint32_t value)
{
    asm volatile("outl %0, %1" : : "a"(value), "Nd"(port));
}
inline uint8_t inb(uint16_t port)
{
    uint8_t value;
    asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}
inline uint16_t inw(uint16_t port)
{
    uint16_t value;
    asm volatile("inw %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}
inline uint32_t inl(uint16_t port)
{
    uint32_t value;
    asm volatile("inl %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

// rdtsc is not ordered against earlier loads; callers that time a region and
// need that ordering use rdtsc_ordered() (lfence first: Intel SDM vol. 3 17.17).
inline uint64_t rdtsc()
{
    uint32_t low, high;
    asm volatile("rdtsc" : "=a"(low), "=d"(high));
    return (static_cast<uint64_t>(high) << 32) | low;
}
inline uint64_t rdtsc_ordered()
{
    asm volatile("lfence" ::: "memory");
    return rdtsc();
}

inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t low, high;
    asm volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(msr));
    return (static_cast<uint64_t>(high) << 32) | low;
}
inline void wrmsr(uint32_t msr, uint64_t value)
{
    asm volatile(
        "wrmsr"
        :
        : "c"(msr), "a"(static_cast<uint32_t>(value)), "d"(static_cast<uint32_t>(value >> 32)));
}

struct CpuidResult {
    uint32_t eax, ebx, ecx, edx;
};
inline CpuidResult cpuid(uint32_t leaf, uint32_t subleaf = 0)
{
    CpuidResult r;
    asm volatile("cpuid"
                 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                 : "a"(leaf), "c"(subleaf));
    return r;
}

inline uint64_t read_cr0()
{
    uint64_t value;
    asm volatile("mov %%cr0, %0" : "=r"(value));
    return value;
}
inline uint64_t read_cr2()
{
    uint64_t value;
    asm volatile("mov %%cr2, %0" : "=r"(value));
    return value;
}
inline uint64_t read_cr3()
{
    uint64_t value;
    asm volatile("mov %%cr3, %0" : "=r"(value));
    return value;
}
inline uint64_t read_cr4()
{
    uint64_t value;
    asm volatile("mov %%cr4, %0" : "=r"(value));
    return value;
}

// Writing CR3 switches page tables and flushes the TLB's non-global entries;
// writing CR4 with a different PGE flushes all of them (Intel SDM vol. 3A,
// 4.10.4.1). "memory": no access may move across a change of address space.
inline void write_cr0(uint64_t value)
{
    asm volatile("mov %0, %%cr0" : : "r"(value) : "memory");
}
inline void write_cr3(uint64_t value)
{
    asm volatile("mov %0, %%cr3" : : "r"(value) : "memory");
}
inline void write_cr4(uint64_t value)
{
    asm volatile("mov %0, %%cr4" : : "r"(value) : "memory");
}
// Drops this CPU's translation of the page holding `address`.
inline void invlpg(uint64_t address)
{
    asm volatile("invlpg (%0)" : : "r"(address) : "memory");
}

inline constexpr uint64_t rflags_if = 1u << 9;

inline uint64_t read_rflags()
{
    uint64_t value;
    asm volatile("pushfq; popq %0" : "=r"(value));
    return value;
}
inline void cli()
{
    asm volatile("cli" ::: "memory");
}
inline void sti()
{
    asm volatile("sti" ::: "memory");
}
inline void hlt()
{
    asm volatile("hlt" ::: "memory");
}
inline void pause()
{
    asm volatile("pause" ::: "memory");
}
inline bool interrupts_enabled()
{
    return (read_rflags() & rflags_if) != 0;
}

[[noreturn]] inline void halt_forever()
{
    for (;;) {
        cli();
        hlt();
    }
}

} // namespace rota::x86
