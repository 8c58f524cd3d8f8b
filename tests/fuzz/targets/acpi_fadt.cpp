#include "core/acpi/fadt.h"
#include "fuzz_target.h"

// A FADT of any revision and length (ACPI 6.5 section 5.2.9), past the checksum.
ROTA_FUZZ_TARGET(acpi_fadt)
{
    auto parsed = rota::parse_fadt(data);
    if (parsed.is_error()) {
        FUZZ_CHECK(data.size() < rota::fadt_v1_length);
        return;
    }
    const rota::Fadt& fadt = parsed.value();
    if (fadt.pm_timer.has_value()) {
        FUZZ_CHECK(fadt.pm_timer->bits == 24 || fadt.pm_timer->bits == 32);
        FUZZ_CHECK(fadt.pm_timer->address != 0);
        if (fadt.pm_timer->space == rota::AddressSpace::SystemIo)
            FUZZ_CHECK(fadt.pm_timer->address <= 0xffff);
    }
    // Hardware-reduced platforms have no fixed hardware (5.2.9).
    if (fadt.hardware_reduced)
        FUZZ_CHECK(!fadt.pm_timer.has_value() && fadt.pm1a_control == 0);
}
