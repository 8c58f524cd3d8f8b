#include "kernel/page_tables.h"

#include "core/acpi/acpi.h"
#include "core/cpu/x86.h"
#include "core/log/log.h"
#include "core/mem/kernel_memory.h"
#include "core/mem/paging.h"
#include "core/pci/bdf.h"
#include "core/pci/pci.h"

namespace rota {

namespace {

constexpr uint32_t msr_apic_base = 0x1b; // IA32_APIC_BASE (Intel SDM vol. 3A, 11.4.4)
constexpr uint64_t apic_base_mask = 0x000ffffffffff000;
constexpr uint64_t apic_window = 4096;
constexpr uint64_t io_apic_window = 4096;
constexpr uint64_t ecam_bytes_per_bus = 1ull << 20; // PCI Express base 4.0, 7.2.2

// Every device the boot needs before PCI: at most two local APIC addresses,
// the I/O APICs and the ECAM regions.
constexpr size_t max_devices = 2 + 16 + 16;

size_t boot_devices(DeviceRange (&out)[max_devices])
{
    size_t count = 0;
    auto add = [&](uint64_t base, uint64_t bytes) {
        if (count < max_devices && base != 0)
            out[count++] = DeviceRange {PhysAddr(base), bytes};
    };
    // The MSR's base and the MADT's should agree; map both in case not.
    add(x86::rdmsr(msr_apic_base) & apic_base_mask, apic_window);
    if (const Madt* madt = acpi_madt()) {
        add(madt->local_apic_address, apic_window);
        for (const MadtIoApic& io_apic : madt->io_apics)
            add(io_apic.address, io_apic_window);
    }
    if (const Mcfg* mcfg = acpi_mcfg()) {
        for (const EcamRegion& region : mcfg->regions) {
            if (region.end_bus < region.start_bus)
                continue;
            add(region.base + region.start_bus * ecam_bytes_per_bus,
                (uint64_t(region.end_bus) - region.start_bus + 1) * ecam_bytes_per_bus);
        }
    }
    return count;
}

} // namespace

void page_tables_init(const BootInfo& info)
{
    DeviceRange devices[max_devices];
    size_t count = boot_devices(devices);
    (void)paging_init(info, std::span(devices, count));
    // The firmware's page tables, GDT and IDT are boot-services memory: free
    // only once nothing uses them.
    memory_finish_boot(paging_active());
}

void page_tables_map_pci_bars()
{
    size_t mapped = 0;
    for (const PciFunction& fn : pci_functions()) {
        for (uint8_t i = 0; i < fn.bar_count; ++i) {
            const Bar& bar = fn.bars[i];
            if (!bar.is_memory() || bar.address == 0 || bar.size == 0)
                continue;
            auto result = paging_map_device(bar.phys(), bar.size);
            if (result.is_error()) {
                klog("[paging] %s bar%u 0x%lx size=0x%lx not mapped: %s", bdf_text(fn.bdf).text, i,
                    bar.address, bar.size, error_name(result.error()));
                continue;
            }
            ++mapped;
        }
    }
    if (paging_active())
        klog("[paging] pci bars mapped=%zu", mapped);
}

} // namespace rota
