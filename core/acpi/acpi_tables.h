#pragma once

#include <optional>

#include "core/acpi/fadt.h"
#include "core/acpi/madt.h"
#include "core/acpi/mcfg.h"
#include "core/acpi/physical_memory.h"
#include "core/acpi/table_directory.h"
#include "core/lib/error.h"

// Everything rota takes from ACPI, parsed in one pass from the RSDP: the table
// directory, the MADT, the MCFG, the FADT and the DSDT it points at. Pure: the
// kernel runs it on the identity map and logs the result; the host tests run
// it on tables captured from QEMU.

namespace rota {

// One parsed table: the value, or why there is none.
template<class T>
struct ParsedTable {
    std::optional<T> value;
    // Error::NotFound when the directory does not list the table; otherwise why
    // a listed table could not be parsed.
    Error error {Error::NotFound};
    std::optional<TableRef> table; // where it was, when listed

    bool has_value() const { return value.has_value(); }
};

struct AcpiInfo {
    // False when there is no usable RSDP or root table: everything else is empty.
    bool present {false};
    TableFault failure {}; // why, when !present and there was an RSDP
    TableDirectory directory {};
    ParsedTable<Madt> madt;
    ParsedTable<Mcfg> mcfg;
    ParsedTable<Fadt> fadt;
    // The DSDT the FADT points at, checked like the others (it is not in the
    // XSDT). Empty without a FADT; `dsdt_fault` says why it was refused.
    std::optional<TableRef> dsdt;
    std::optional<TableFault> dsdt_fault;
};

// Fills `info` (reset first) from the RSDP at `rsdp`. Never fails as a whole:
// what is missing or broken is recorded in `info`.
void parse_acpi(PhysicalMemory& memory, PhysAddr rsdp, AcpiInfo& info);

} // namespace rota
