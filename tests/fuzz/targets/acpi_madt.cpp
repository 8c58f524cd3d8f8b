#include "core/acpi/madt.h"
#include "fuzz_target.h"

// A MADT's entries (ACPI 6.5 section 5.2.12) straight from the fuzzer, past
// the checksum that acpi_tables has to get through first.
ROTA_FUZZ_TARGET(acpi_madt)
{
    auto parsed = rota::parse_madt(data);
    if (parsed.is_error())
        return;
    const rota::Madt& madt = parsed.value();
    FUZZ_CHECK(madt.enabled_processors <= madt.processors.size());
    // Two entries for one APIC id are one CPU (5.2.12.12).
    for (size_t i = 0; i < madt.processors.size(); ++i) {
        for (size_t j = i + 1; j < madt.processors.size(); ++j)
            FUZZ_CHECK(madt.processors[i].apic_id != madt.processors[j].apic_id);
    }
    if (madt.walk_stopped || madt.short_entries != 0)
        FUZZ_CHECK(madt.entry_problem != rota::AcpiProblem::None
            && madt.entry_problem_offset < data.size());
}
