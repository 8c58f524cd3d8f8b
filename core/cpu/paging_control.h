#pragma once

#include <cstdint>

#include "core/lib/addr.h"

// The processor side of rota's page tables: what the CPU can do (CPUID) and the
// registers that make the tables mean what they say. Intel SDM vol. 3A: 4.1.4
// (feature bits), 4.6 (CR0.WP, EFER.NXE), 4.10.4.1 (TLB flushes), 11.12 (PAT).

namespace rota {

struct PagingSupport {
    bool no_execute {false}; // CPUID.80000001H:EDX.NX[bit 20]
    bool pat {false}; // CPUID.01H:EDX.PAT[bit 16]
    bool gigabyte_pages {false}; // CPUID.80000001H:EDX.Page1GB[bit 26]
};

PagingSupport cpu_paging_support();

// Writes rota's page attribute table (core/mem/pat.h) to IA32_PAT. Entries 0-3
// keep their power-on values, so mappings that exist already (the firmware's,
// or the trampoline's first steps) keep their meaning and nothing needs
// flushing; only entries no mapping uses yet change.
void cpu_program_pat();

// EFER.NXE: page-table bit 63 means no-execute (and is no longer reserved).
void cpu_enable_no_execute();

// Switches this CPU to the tables rooted at `root`: turns CR4.PGE off first,
// which flushes every translation including global ones the firmware may have
// left (rota sets no global bits, so it wants none), loads CR3, and sets CR0.WP
// so that the kernel itself cannot write to read-only pages.
void cpu_load_page_tables(PhysAddr root);

} // namespace rota
