#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/boot_info.h"
#include "core/lib/expected.h"
#include "core/mem/kernel_address_space.h"

// rota's own page tables in the running kernel (docs/memory.md): built once
// from the memory map after memory_init, switched to by the boot CPU, loaded
// by every AP through the trampoline, and edited afterwards only to map device
// memory as drivers find it, to seal the trampoline's code and to unmap the
// guard pages of the APs' stacks.
//
// If the tables cannot be built (a CPU without NX or PAT, no memory, a plan
// that would not map the running kernel) rota stays on the firmware's tables:
// everything works, without the protections, and the log says why.

namespace rota {

// Builds the tables and switches the boot CPU to them: PAT, EFER.NXE, CR3,
// CR0.WP. `devices` (local APIC, I/O APIC, ECAM) are mapped uncached. Logs
// "[paging] ..." either way; an error means the firmware's tables are still
// in use.
Expected<void> paging_init(const BootInfo& info, std::span<const DeviceRange> devices);

// Whether the CPUs run on rota's tables.
bool paging_active();

// Maps device memory (a PCI BAR) uncached where nothing is mapped yet: a
// framebuffer inside the BAR stays write-combining. New mappings need no TLB
// flush anywhere (Intel SDM vol. 3A, 4.10.4.3: a not-present entry is never
// cached), so any CPU may call this at any time.
Expected<void> paging_map_device(PhysAddr base, uint64_t bytes);

// The edits below narrow or remove mappings, which other CPUs could hold in
// their TLBs, and rota sends no TLB shoot-downs: only the boot CPU, before the
// application processors start, may make them (asserted).

// [base, base + pages) becomes read-execute: code written, now sealed (the AP
// trampoline).
Expected<void> paging_seal_code(PhysAddr base, size_t pages);

// The page at `page` is unmapped: a stack's guard.
Expected<void> paging_unmap_guard(PhysAddr page);

// Tells paging that the application processors are about to run: from now
// on only paging_map_device may change the tables.
void paging_aps_starting();

// An application processor, first thing: programs the PAT as the boot CPU did
// (its own IA32_PAT is at the power-on value after INIT).
void paging_init_ap();

} // namespace rota
