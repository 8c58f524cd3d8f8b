#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "core/acpi/sdt_header.h"
#include "core/lib/addr.h"
#include "core/lib/expected.h"

// The Fixed ACPI Description Table, ACPI 6.5 section 5.2.9: the fixed hardware
// rota uses (the PM timer, to calibrate the TSC; the reset register), where the
// DSDT is, and what legacy PC hardware the platform has.

namespace rota {

// The ACPI power management timer (ACPI 6.5 section 4.8.3.3): a free-running
// up-counter at 3.579545 MHz, 24 bits wide, or 32 with TMR_VAL_EXT.
struct PmTimer {
    static constexpr uint64_t frequency_hz = 3'579'545;
    AddressSpace space; // SystemIo or SystemMemory
    uint64_t address;
    unsigned bits; // 24 or 32
};

// A register named by a Generic Address Structure, with the value to write.
struct ResetRegister {
    GenericAddress address;
    uint8_t value;
};

// IA-PC Boot Architecture Flags, section 5.2.9.3.
enum IapcBootArch : uint16_t {
    IapcLegacyDevices = 1u << 0, // LPC/ISA devices the OS cannot enumerate
    Iapc8042 = 1u << 1, // an 8042 keyboard controller
    IapcVgaNotPresent = 1u << 2, // do not probe VGA
    IapcMsiNotSupported = 1u << 3,
    IapcPcieAspmControls = 1u << 4,
    IapcCmosRtcNotPresent = 1u << 5,
};

struct Fadt {
    uint8_t revision; // the header's: 1 for ACPI 1.0 (116 bytes), 3+ for 2.0+
    PhysAddr dsdt; // X_DSDT when set, else DSDT
    std::optional<PmTimer> pm_timer;
    uint32_t pm1a_control; // PM1a_CNT_BLK port, 0 if none
    uint32_t pm1b_control;
    std::optional<GenericAddress> x_pm1a_control; // X_PM1a_CNT_BLK, when set
    std::optional<GenericAddress> x_pm1b_control;
    std::optional<ResetRegister> reset; // when RESET_REG_SUP is set
    uint16_t sci_interrupt;
    uint16_t boot_arch; // IapcBootArch bits; 0 in an ACPI 1.0 FADT
    uint32_t flags; // Fixed Feature Flags
    bool hardware_reduced; // HW_REDUCED_ACPI: no fixed hardware, no PM timer
};

// Fixed Feature Flags (section 5.2.9) rota reads.
inline constexpr uint32_t fadt_tmr_val_ext = 1u << 8;
inline constexpr uint32_t fadt_reset_reg_sup = 1u << 10;
inline constexpr uint32_t fadt_hw_reduced_acpi = 1u << 20;

// The ACPI 1.0 FADT is 116 bytes; later revisions append fields, and a field
// past the table's length reads as zero (absent).
inline constexpr size_t fadt_v1_length = 116;
inline constexpr size_t fadt_known_length = 276; // ACPI 6.5

// Parses a FADT that check_table accepted. Error::Corrupt below 116 bytes.
Expected<Fadt> parse_fadt(std::span<const uint8_t> table);

} // namespace rota
