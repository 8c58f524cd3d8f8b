#pragma once

#include <cstdint>

#include "core/mem/stack_region.h"

// Each CPU's descriptor tables: a GDT with the kernel's code and data segments
// and a TSS whose interrupt stack table gives the double-fault, NMI,
// machine-check and page-fault handlers stacks of their own (so a kernel stack
// overflow, which faults on the stack's guard page, is reported from a stack
// that still works). Intel SDM vol. 3, 3.4.5 (segment descriptors), 7.7 (64-bit
// TSS), 6.14.5 (IST).

namespace rota {

namespace selector {
inline constexpr uint16_t kernel_code = 0x08;
inline constexpr uint16_t kernel_data = 0x10;
inline constexpr uint16_t tss = 0x18;
} // namespace selector

// IST slots (1-based, as the IDT gate encodes them). A page fault has a stack
// of its own because rota takes no page fault it can recover from (there is no
// demand paging): its handler never returns, so a second page fault restarting
// at the top of the same stack cannot clobber a frame that is still needed.
namespace ist {
inline constexpr uint8_t double_fault = 1;
inline constexpr uint8_t nmi = 2;
inline constexpr uint8_t machine_check = 3;
inline constexpr uint8_t page_fault = 4;
inline constexpr uint8_t count = 4;
} // namespace ist

struct [[gnu::packed]] TaskStateSegment {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};
static_assert(sizeof(TaskStateSegment) == 104, "Intel SDM vol. 3, figure 7-11");

struct CpuTables {
    alignas(16) uint64_t gdt[5]; // null, code, data, TSS (two slots)
    alignas(16) TaskStateSegment tss;
};

// Fills the tables; `ist_stacks` are the IST stacks, in slot order.
void build_cpu_tables(CpuTables& tables, const StackRegion (&ist_stacks)[ist::count]);
// Loads GDTR, reloads every segment register and loads the task register.
void load_cpu_tables(CpuTables& tables);

} // namespace rota
