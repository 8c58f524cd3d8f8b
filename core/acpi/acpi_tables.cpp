#include "core/acpi/acpi_tables.h"

namespace rota {

namespace {

template<class T>
void parse_first(PhysicalMemory& memory, const TableDirectory& directory, TableSignature signature,
    Expected<T> (*parse)(std::span<const uint8_t>), ParsedTable<T>& out)
{
    out.table = find_table(directory, signature);
    if (!out.table)
        return;
    auto bytes = map_table(memory, *out.table);
    if (bytes.is_error()) {
        out.error = bytes.error();
        return;
    }
    auto parsed = parse(bytes.value());
    if (parsed.is_error()) {
        out.error = parsed.error();
        return;
    }
    out.value = parsed.release_value();
}

} // namespace

void parse_acpi(PhysicalMemory& memory, PhysAddr rsdp, AcpiInfo& info)
{
    info = AcpiInfo {};
    auto directory = read_table_directory(memory, rsdp, &info.failure);
    if (directory.is_error())
        return;
    info.present = true;
    info.directory = directory.release_value();
    parse_first(memory, info.directory, signatures::madt, parse_madt, info.madt);
    parse_first(memory, info.directory, signatures::mcfg, parse_mcfg, info.mcfg);
    parse_first(memory, info.directory, signatures::fadt, parse_fadt, info.fadt);
    if (!info.fadt.value)
        return;
    TableFault fault {};
    auto dsdt = check_table(memory, info.fadt.value->dsdt, &fault);
    if (dsdt.is_error())
        info.dsdt_fault = fault;
    else if (dsdt->signature != signatures::dsdt)
        info.dsdt_fault
            = TableFault {dsdt->signature, dsdt->address, dsdt->length, AcpiProblem::BadSignature};
    else
        info.dsdt = dsdt.value();
}

} // namespace rota
