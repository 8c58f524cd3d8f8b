#include "core/acpi/acpi.h"
#include "core/acpi/identity_memory.h"
#include "core/lib/format.h"
#include "core/log/hexdump.h"
#include "core/log/log.h"

// debug=dump-acpi: every table as "[dump] acpi/<SIG> ..." lines, each announced
// by "[acpi] dump label=... address=... length=..." so that
// tests/fixtures/capture_acpi.py can rebuild the tables at their addresses.

namespace rota {

namespace {

void dump(PhysicalMemory& memory, const char* label, PhysAddr address, size_t length)
{
    auto bytes = memory.map(address, length);
    if (bytes.is_error())
        return;
    klog("[acpi] dump label=%s address=0x%lx length=%zu", label, address.get(), length);
    log_hexdump(label, bytes->data(), length);
    // Thousands of lines: write them out now rather than overflow the buffer.
    log_flush();
}

void dump_table(PhysicalMemory& memory, const TableRef& table, size_t repeat)
{
    char label[24];
    if (repeat == 0)
        format(label, sizeof label, "acpi/%s", table.signature.c_str());
    else
        format(label, sizeof label, "acpi/%s.%zu", table.signature.c_str(), repeat);
    dump(memory, label, table.address, table.length);
}

} // namespace

void acpi_dump_tables(const AcpiInfo& info)
{
    IdentityMemory memory;
    const TableDirectory& directory = info.directory;
    dump(memory, "acpi/RSDP", directory.rsdp_address, directory.rsdp.length);
    // Both roots, when both are good: the tests use the RSDT for the ACPI 1.0 path.
    if (auto xsdt = check_table(memory, directory.rsdp.xsdt); xsdt.has_value())
        dump(memory, "acpi/XSDT", xsdt->address, xsdt->length);
    if (auto rsdt = check_table(memory, directory.rsdp.rsdt); rsdt.has_value())
        dump(memory, "acpi/RSDT", rsdt->address, rsdt->length);
    for (size_t i = 0; i < directory.tables.size(); ++i) {
        size_t repeat = 0;
        for (size_t j = 0; j < i; ++j)
            repeat += directory.tables[j].signature == directory.tables[i].signature ? 1 : 0;
        dump_table(memory, directory.tables[i], repeat);
    }
    if (info.dsdt)
        dump_table(memory, *info.dsdt, 0);
    klog("[acpi] dump done tables=%zu", directory.tables.size() + (info.dsdt ? 1 : 0));
}

} // namespace rota
