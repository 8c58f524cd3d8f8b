#include "core/acpi/mcfg.h"
#include "fuzz_target.h"

// An MCFG's ECAM allocations (PCI Firmware 3.2 section 4.1.2), past the checksum.
ROTA_FUZZ_TARGET(acpi_mcfg)
{
    auto parsed = rota::parse_mcfg(data);
    if (parsed.is_error())
        return;
    const rota::Mcfg& mcfg = parsed.value();
    for (const rota::EcamRegion& region : mcfg.regions.items())
        FUZZ_CHECK(region.base != 0 && region.start_bus <= region.end_bus);
    size_t entries = (data.size() - rota::mcfg_entries_offset) / sizeof(rota::McfgEntryWire);
    FUZZ_CHECK(mcfg.regions.size() + mcfg.regions.dropped() + mcfg.invalid_entries == entries);
    FUZZ_CHECK(mcfg.trailing_bytes < sizeof(rota::McfgEntryWire));
}
