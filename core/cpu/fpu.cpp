#include "core/cpu/fpu.h"

#include <cstdint>

namespace rota {

namespace {

constexpr uint64_t cr0_mp = 1u << 1;
constexpr uint64_t cr0_em = 1u << 2;
constexpr uint64_t cr0_ts = 1u << 3;
constexpr uint64_t cr4_osfxsr = 1u << 9;
constexpr uint64_t cr4_osxmmexcpt = 1u << 10;
constexpr uint32_t mxcsr_default = 0x1f80;

} // namespace

void fpu_init()
{
    uint64_t cr0, cr4;
    asm volatile("mov %%cr0, %0" : "=r"(cr0));
    asm volatile("mov %%cr4, %0" : "=r"(cr4));
    cr0 = (cr0 & ~(cr0_em | cr0_ts)) | cr0_mp;
    cr4 |= cr4_osfxsr | cr4_osxmmexcpt;
    asm volatile("mov %0, %%cr0" ::"r"(cr0) : "memory");
    asm volatile("mov %0, %%cr4" ::"r"(cr4) : "memory");
    uint32_t mxcsr = mxcsr_default;
    asm volatile("fninit; ldmxcsr %0" ::"m"(mxcsr) : "memory");
}

} // namespace rota
