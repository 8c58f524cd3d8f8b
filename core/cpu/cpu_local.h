#pragma once

#include <cstdint>

#include "core/cpu/stack_walk.h"
#include "core/cpu/x86.h"

// The few per-CPU fields that code below smp/ needs (lock owners, the crash
// reporter), read straight through GS at fixed offsets. smp/per_cpu.h defines
// the block and static_asserts that its layout matches these offsets.

namespace rota {

namespace cpu_local_offset {
inline constexpr uint32_t self = 0;
inline constexpr uint32_t index = 8;
inline constexpr uint32_t apic_id = 12;
inline constexpr uint32_t preempt = 16;
inline constexpr uint32_t stack_bottom = 40;
inline constexpr uint32_t stack_top = 48;
inline constexpr uint32_t ist_stacks = 64; // StackRegion[ist::count]
inline constexpr uint32_t ist_stack_stride = 16;
} // namespace cpu_local_offset

// Set once the boot CPU's GS base points at its per-CPU block; before that
// (early boot), the only CPU running is the boot CPU, index 0.
extern bool g_per_cpu_ready;

inline uint32_t cpu_local_read32(uint32_t offset)
{
    uint32_t value;
    asm volatile("movl %%gs:(%1), %0" : "=r"(value) : "r"(static_cast<uint64_t>(offset)));
    return value;
}

inline uint64_t cpu_local_read64(uint32_t offset)
{
    uint64_t value;
    asm volatile("movq %%gs:(%1), %0" : "=r"(value) : "r"(static_cast<uint64_t>(offset)));
    return value;
}

inline uint32_t current_cpu_index()
{
    return g_per_cpu_ready ? cpu_local_read32(cpu_local_offset::index) : 0;
}

// This CPU's kernel stack, for the stack walker; {0, 0} before per-CPU data.
inline StackBounds current_cpu_stack()
{
    if (!g_per_cpu_ready)
        return {0, 0};
    return {cpu_local_read64(cpu_local_offset::stack_bottom),
        cpu_local_read64(cpu_local_offset::stack_top)};
}

} // namespace rota
