#pragma once

#include <cstdint>
#include <span>

#include "core/cpu/gdt.h"
#include "core/lib/addr.h"
#include "core/mem/stack_region.h"

// Starting the application processors (docs/boot.md): OVMF parks them at
// ExitBootServices, so each is woken again with INIT-SIPI-SIPI, one at a time,
// each onto its own stack and per-CPU block. A CPU that does not come up in
// time is reported and skipped.

namespace rota {

struct ProcessorEntry {
    uint32_t apic_id;
    bool enabled; // MADT: enabled, or online-capable
};

struct SmpResult {
    uint32_t online; // including the boot CPU
    uint32_t possible; // enabled processors in the MADT (or the limit asked)
};

// Installs the boot CPU's per-CPU block (GDT/TSS/IDT, GS). First thing after
// ExitBootServices: it needs no memory, and from then on locks know their
// owner and the crash reporter knows the stack.
void smp_init_boot_cpu(const StackRegion& stack, const StackRegion (&ist_stacks)[ist::count]);

// Enables the boot CPU's local APIC (`apic_base` from the MADT, or null for
// the MSR's) and calibrates its timer; needs the TSC clock.
void smp_init_boot_apic(PhysAddr apic_base);

// Starts the enabled processors in `processors` (other than the boot CPU), at
// most `cpu_limit` CPUs in total, through the page at `trampoline`. Prints the
// "[smp] online=N/M bsp_apic=X" line.
SmpResult smp_start_aps(
    std::span<const ProcessorEntry> processors, uint32_t cpu_limit, PhysAddr trampoline);

} // namespace rota
