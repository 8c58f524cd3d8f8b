#pragma once

#include "core/acpi/acpi_tables.h"
#include "core/boot_info.h"

// The kernel's ACPI: the tables are parsed once at boot, right after memory is
// up (the clock calibration and SMP start-up depend on them), and kept for the
// rest of the run. Without an RSDP, or with a broken one, rota runs without
// ACPI: the accessors return empty results and the callers fall back.

namespace rota {

// Parses from info.acpi_rsdp and logs the "[acpi]" lines; with debug=dump-acpi
// also hex-dumps every table (tests/fixtures/capture_acpi.py reads them back).
void acpi_init(const BootInfo& info);

const AcpiInfo& acpi_info();
// Null when the table is absent or unusable.
const Madt* acpi_madt();
const Mcfg* acpi_mcfg();
const Fadt* acpi_fadt();

// Kernel-internal: the dump behind debug=dump-acpi (acpi_dump.cpp).
void acpi_dump_tables(const AcpiInfo& info);

} // namespace rota
