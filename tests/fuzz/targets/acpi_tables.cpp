#include "core/acpi/acpi_tables.h"
#include "fuzz_target.h"
#include "support/blob_memory.h"

// The whole walk the kernel does at boot (core/acpi/acpi.cpp): RSDP, XSDT or
// RSDT, every table they list, the MADT, MCFG and FADT parsed, and the DSDT the
// FADT names, over fuzzed firmware memory (support/blob_memory.h).
ROTA_FUZZ_TARGET(acpi_tables)
{
    rota::fuzz::FuzzInput input(data);
    rota::fuzz::BlobMemory memory(input);
    rota::AcpiInfo info;
    rota::parse_acpi(memory, memory.first_address(), info);
    if (!info.present) {
        FUZZ_CHECK(!info.madt.has_value() && !info.mcfg.has_value() && !info.fadt.has_value());
        return;
    }
    const rota::TableDirectory& directory = info.directory;
    FUZZ_CHECK(directory.root.signature == rota::signatures::xsdt
        || directory.root.signature == rota::signatures::rsdt);
    // Every table the directory kept passed check_table: it maps whole.
    for (const rota::TableRef& table : directory.tables) {
        FUZZ_CHECK(table.length >= sizeof(rota::SdtHeader));
        FUZZ_CHECK(table.length <= rota::max_table_length);
        FUZZ_CHECK(rota::map_table(memory, table).has_value());
    }
    FUZZ_CHECK(directory.tables.size() <= rota::max_tables);
    if (info.madt.has_value())
        FUZZ_CHECK(info.madt.table.has_value()
            && info.madt.value->enabled_processors <= info.madt.value->processors.size());
    if (info.dsdt.has_value())
        FUZZ_CHECK(info.dsdt->signature == rota::signatures::dsdt && info.fadt.has_value());
}
