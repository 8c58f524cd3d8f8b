#pragma once

#include <cstdint>

// What can be wrong with a firmware table or one of its entries. Reported with
// the table's address so the log line says exactly what was refused and why.

namespace rota {

enum class AcpiProblem : uint8_t {
    None,
    NullAddress, // a pointer to a table is zero
    Unmappable, // the memory accessor refused the range
    BadSignature, // not the table the pointer promised
    BadChecksum, // ACPI 6.5 section 5.2.6 (tables), 5.2.5.3 (RSDP's first 20 bytes)
    BadExtendedChecksum, // ACPI 6.5 section 5.2.5.3: the RSDP's whole length
    TooShort, // shorter than its fixed part
    TooLong, // longer than any real table (max_table_length)
    RaggedLength, // the entries do not fill the table exactly
    ZeroLengthEntry, // an entry of length 0 or 1: the walk cannot go on
    EntryPastEnd, // an entry runs past the end of the table
    EntryTooShort, // an entry shorter than its type's structure
};

constexpr const char* acpi_problem_name(AcpiProblem problem)
{
    switch (problem) {
    case AcpiProblem::None:
        return "none";
    case AcpiProblem::NullAddress:
        return "null-address";
    case AcpiProblem::Unmappable:
        return "unmappable";
    case AcpiProblem::BadSignature:
        return "bad-signature";
    case AcpiProblem::BadChecksum:
        return "bad-checksum";
    case AcpiProblem::BadExtendedChecksum:
        return "bad-extended-checksum";
    case AcpiProblem::TooShort:
        return "too-short";
    case AcpiProblem::TooLong:
        return "too-long";
    case AcpiProblem::RaggedLength:
        return "ragged-length";
    case AcpiProblem::ZeroLengthEntry:
        return "zero-length-entry";
    case AcpiProblem::EntryPastEnd:
        return "entry-past-end";
    case AcpiProblem::EntryTooShort:
        return "entry-too-short";
    }
    return "unknown";
}

} // namespace rota
