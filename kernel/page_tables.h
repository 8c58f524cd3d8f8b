#pragma once

#include "core/boot_info.h"

// The composition root's part of rota's page tables (core/mem/paging.h): it
// knows which devices the tables must cover, from ACPI at boot and from PCI
// once enumeration has run.

namespace rota {

// Builds rota's tables with the local APIC, the I/O APICs and the ECAM windows
// mapped uncached, switches the boot CPU to them and gives the allocator the
// memory that is free once it has: "[paging] ..." and "[mem] usable_mib=...".
void page_tables_init(const BootInfo& info);

// Maps every memory BAR PCI enumeration found, uncached (a framebuffer inside
// one stays write-combining). Before any driver touches its device.
void page_tables_map_pci_bars();

} // namespace rota
