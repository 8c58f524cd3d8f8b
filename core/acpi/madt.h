#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/acpi/fixed_list.h"
#include "core/acpi/problem.h"
#include "core/lib/expected.h"

// The Multiple APIC Description Table, ACPI 6.5 section 5.2.12: the processors
// (their local APIC ids, for SMP start-up), the I/O APICs and how ISA
// interrupts and NMIs are wired. Parsed into fixed-size lists: a table that
// lists more than rota is built for is truncated, and says so.

namespace rota {

inline constexpr size_t max_cpus = 256;
inline constexpr size_t max_io_apics = 16;
inline constexpr size_t max_interrupt_overrides = 32;
inline constexpr size_t max_nmi_sources = 16;
inline constexpr size_t max_local_nmis = 32;

// From a Processor Local APIC (5.2.12.2) or Local x2APIC (5.2.12.12) entry.
struct MadtProcessor {
    uint32_t apic_id;
    uint32_t uid; // the ACPI processor UID
    bool enabled; // usable now
    bool online_capable; // not enabled, but the platform can enable it later
    bool x2apic; // described by a Local x2APIC entry
};

// 5.2.12.3.
struct MadtIoApic {
    uint8_t id;
    uint32_t address;
    uint32_t gsi_base;
};

// 5.2.12.5: ISA IRQ `source` arrives on global system interrupt `gsi`.
struct MadtInterruptOverride {
    uint8_t bus; // 0: ISA
    uint8_t source;
    uint32_t gsi;
    uint16_t flags; // MPS INTI flags: polarity bits 0-1, trigger mode bits 2-3
};

// 5.2.12.6: a global system interrupt that is an NMI.
struct MadtNmiSource {
    uint16_t flags;
    uint32_t gsi;
};

// 5.2.12.7 (Local APIC NMI) and 5.2.12.13 (Local x2APIC NMI): which LINT pin of
// which processor's local APIC carries NMI.
struct MadtLocalNmi {
    uint32_t uid;
    bool all_processors; // uid 0xff (APIC) or 0xffffffff (x2APIC)
    uint16_t flags;
    uint8_t lint;
};

struct Madt {
    // The MADT header field (5.2.12), or a Local APIC Address Override (5.2.12.8).
    uint64_t local_apic_address;
    bool local_apic_overridden;
    bool pcat_compat; // Multiple APIC Flags bit 0: dual 8259s, to be masked

    FixedList<MadtProcessor, max_cpus> processors;
    FixedList<MadtIoApic, max_io_apics> io_apics;
    FixedList<MadtInterruptOverride, max_interrupt_overrides> overrides;
    FixedList<MadtNmiSource, max_nmi_sources> nmi_sources;
    FixedList<MadtLocalNmi, max_local_nmis> local_nmis;

    size_t enabled_processors; // among `processors`
    size_t duplicate_processors; // entries naming an APIC id already listed: ignored
    size_t other_entries; // types rota does not use (SAPIC, GIC, ...)
    size_t short_entries; // entries shorter than their type's structure: skipped

    // A malformed entry, if any, and its offset in the table. With
    // walk_stopped, it is the entry whose length could not be followed (zero,
    // or past the end): the entries after it were not read, everything listed
    // above came before it. Otherwise it is the first entry too short for its
    // type (skipped; the walk went on).
    AcpiProblem entry_problem;
    uint32_t entry_problem_offset;
    bool walk_stopped;
};

// Parses a MADT that check_table accepted. Error::Corrupt when it is shorter
// than its fixed fields; a malformed entry is recorded in the result instead.
Expected<Madt> parse_madt(std::span<const uint8_t> table);

} // namespace rota
