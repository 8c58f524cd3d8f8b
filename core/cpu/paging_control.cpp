#include "core/cpu/paging_control.h"

#include "core/cpu/x86.h"
#include "core/mem/pat.h"

namespace rota {

namespace {

constexpr uint32_t msr_efer = 0xc0000080;
constexpr uint64_t efer_nxe = 1ull << 11;
constexpr uint64_t cr0_wp = 1ull << 16;
constexpr uint64_t cr4_pge = 1ull << 7;

} // namespace

PagingSupport cpu_paging_support()
{
    PagingSupport support;
    support.pat = (x86::cpuid(1).edx & (1u << 16)) != 0;
    if (x86::cpuid(0x80000000).eax >= 0x80000001) {
        uint32_t edx = x86::cpuid(0x80000001).edx;
        support.no_execute = (edx & (1u << 20)) != 0;
        support.gigabyte_pages = (edx & (1u << 26)) != 0;
    }
    return support;
}

void cpu_program_pat()
{
    x86::wrmsr(pat::msr, pat::msr_value());
}

void cpu_enable_no_execute()
{
    x86::wrmsr(msr_efer, x86::rdmsr(msr_efer) | efer_nxe);
}

void cpu_load_page_tables(PhysAddr root)
{
    x86::write_cr4(x86::read_cr4() & ~cr4_pge);
    x86::write_cr3(root.get());
    x86::write_cr0(x86::read_cr0() | cr0_wp);
}

} // namespace rota
