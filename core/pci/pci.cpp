#include "core/pci/pci.h"

#include "core/lib/format.h"
#include "core/log/hexdump.h"
#include "core/log/log.h"
#include "core/mem/kernel_memory.h"
#include "core/pci/ecam_config_space.h"
#include "core/pci/enable.h"
#include "core/pci/enumerate.h"
#include "core/pci/function_line.h"
#include "core/pci/legacy_config_space.h"

namespace rota {

namespace {

// Written by pci_init on the boot CPU before any other user; read-only after.
constinit EcamConfigSpace g_ecam;
constinit LegacyConfigSpace g_legacy;
constinit ConfigSpace* g_config = nullptr;
constinit PciFunctionList g_functions;

// Returns the root bus ranges, or 0 when no region is usable.
size_t add_ecam_regions(std::span<const PciEcamRegion> ecam, BusRange* roots, size_t capacity)
{
    size_t count = 0;
    for (const PciEcamRegion& region : ecam) {
        auto added = g_ecam.add_region(region);
        if (added.is_error()) {
            klog("[pci] ecam region base=0x%lx segment=%u buses=%02x-%02x refused: %s",
                region.base.get(), region.segment, region.bus_start, region.bus_end,
                error_name(added.error()));
            continue;
        }
        if (count < capacity)
            roots[count++] = {region.segment, region.bus_start, region.bus_end};
    }
    return count;
}

void dump_config_spaces()
{
    auto page = allocate_pages(1);
    if (page.is_error()) {
        klog("[pci] dump-pci: no page for the buffer: %s", error_name(page.error()));
        return;
    }
    auto* buffer = VirtAddr(page->get()).as<uint32_t>();
    uint16_t size = g_config->size();
    for (const PciFunction& fn : g_functions.functions()) {
        for (uint16_t offset = 0; offset < size; offset += 4)
            buffer[offset / 4] = g_config->read32(fn.bdf, offset);
        char label[24];
        format(label, sizeof label, "pci/%s", bdf_text(fn.bdf).text);
        log_hexdump(label, buffer, size);
    }
    free_pages(*page, 1);
}

} // namespace

void pci_init(std::span<const PciEcamRegion> ecam, const Config& config)
{
    ROTA_ASSERT(g_config == nullptr);
    BusRange roots[EcamConfigSpace::max_regions];
    size_t root_count = add_ecam_regions(ecam, roots, EcamConfigSpace::max_regions);
    const char* access = "ecam";
    if (root_count != 0) {
        g_config = &g_ecam;
    } else {
        access = "legacy";
        auto probed = g_legacy.probe();
        if (probed.is_error()) {
            klog("[pci] no configuration access: no ECAM region and no 0xCF8 mechanism (%s)",
                error_name(probed.error()));
            klog("[pci] functions=0 buses=0 access=none");
            return;
        }
        g_config = &g_legacy;
        roots[0] = BusRange {0, 0, 255};
        root_count = 1;
    }

    // No logging inside enumeration: it switches decode off while sizing BARs,
    // and the UART's own bridge may be among them.
    EnumerationStats stats = enumerate_pci(*g_config, std::span(roots, root_count), g_functions);

    for (const PciFunction& fn : g_functions.functions()) {
        char line[240];
        format_function_line(fn, line, sizeof line);
        klog("[pci] %s", line);
    }
    klog("[pci] functions=%u buses=%u access=%s bridges=%u skipped_bridges=%u dropped=%u "
         "bar_errors=%u cap_errors=%u",
        stats.functions, stats.buses, access, stats.bridges_followed, stats.bridges_skipped,
        stats.dropped, stats.bar_errors, stats.capability_errors);
    if (config.debug & DebugDumpPci)
        dump_config_spaces();
}

std::span<const PciFunction> pci_functions()
{
    return g_functions.functions();
}

const PciFunction* pci_find(uint16_t vendor_id, uint16_t device_id, size_t nth)
{
    return g_functions.find(vendor_id, device_id, nth);
}

const PciFunction* pci_find(Bdf bdf)
{
    return g_functions.find(bdf);
}

ConfigSpace& pci_config_space()
{
    ROTA_ASSERT(g_config != nullptr);
    return *g_config;
}

Expected<void> pci_enable_device(const PciFunction& fn)
{
    auto enabled = enable_device(pci_config_space(), fn);
    if (enabled.is_error())
        klog("[pci] %s: enabling memory/bus master failed: %s", bdf_text(fn.bdf).text,
            error_name(enabled.error()));
    return enabled;
}

} // namespace rota
