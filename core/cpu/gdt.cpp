#include "core/cpu/gdt.h"

namespace rota {

namespace {

struct [[gnu::packed]] DescriptorTablePointer {
    uint16_t limit;
    uint64_t base;
};

// Long-mode code: present, DPL 0, code/data type, execute/read, L=1.
constexpr uint64_t kernel_code_descriptor = 0x00af9a000000ffffull;
// Data: present, DPL 0, read/write. Base and limit are ignored in long mode.
constexpr uint64_t kernel_data_descriptor = 0x00cf92000000ffffull;

} // namespace

void build_cpu_tables(CpuTables& tables, const StackRegion (&ist_stacks)[ist::count])
{
    tables.tss = {};
    for (uint8_t slot = 1; slot <= ist::count; ++slot)
        tables.tss.ist[slot - 1] = ist_stacks[slot - 1].top;
    // No I/O permission bitmap: point past the segment's limit.
    tables.tss.iomap_base = sizeof(TaskStateSegment);

    auto base = reinterpret_cast<uint64_t>(&tables.tss);
    uint64_t limit = sizeof(TaskStateSegment) - 1;
    tables.gdt[0] = 0;
    tables.gdt[1] = kernel_code_descriptor;
    tables.gdt[2] = kernel_data_descriptor;
    // 64-bit available TSS (type 9), present: a 16-byte system descriptor.
    tables.gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40)
        | (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    tables.gdt[4] = base >> 32;
}

void load_cpu_tables(CpuTables& tables)
{
    DescriptorTablePointer pointer {sizeof(tables.gdt) - 1, reinterpret_cast<uint64_t>(tables.gdt)};
    asm volatile("lgdt %0" : : "m"(pointer));
    // CS can only be reloaded by a far transfer: return to the next instruction
    // through the new code selector.
    asm volatile("pushq %[code]\n"
                 "leaq 1f(%%rip), %%rax\n"
                 "pushq %%rax\n"
                 "lretq\n"
                 "1:\n"
                 "movw %[data], %%ax\n"
                 "movw %%ax, %%ds\n"
                 "movw %%ax, %%es\n"
                 "movw %%ax, %%ss\n"
                 "xorl %%eax, %%eax\n"
                 "movw %%ax, %%fs\n"
                 "movw %%ax, %%gs\n"
                 :
                 : [code] "i"(selector::kernel_code), [data] "i"(selector::kernel_data)
                 : "rax", "memory");
    asm volatile("ltr %0" : : "r"(selector::tss));
}

} // namespace rota
