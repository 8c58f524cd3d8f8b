#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/acpi/fixed_list.h"
#include "core/acpi/physical_memory.h"
#include "core/acpi/problem.h"
#include "core/acpi/rsdp.h"
#include "core/acpi/signature.h"
#include "core/lib/addr.h"
#include "core/lib/expected.h"

// The tables the firmware lists in its XSDT (ACPI 6.5 section 5.2.8) or, on an
// ACPI 1.0 RSDP or when there is no usable XSDT, its RSDT (section 5.2.7). Every
// table reached is checked (a sane header length, the mapping, the checksum);
// one that fails is recorded with the reason and skipped, and the rest are
// still found.

namespace rota {

// No real table comes close (large server DSDTs are a few hundred KiB); a
// length beyond this is corruption, and believing it would read far past the
// table.
inline constexpr uint32_t max_table_length = 16u << 20;
inline constexpr size_t max_tables = 64;
inline constexpr size_t max_table_faults = 16;

// A table that passed the checks.
struct TableRef {
    TableSignature signature;
    PhysAddr address;
    uint32_t length;
    uint8_t revision;
};

// A table that was refused. `signature` is what its header said, or "????"
// when the header could not be read.
struct TableFault {
    TableSignature signature;
    PhysAddr address;
    uint32_t length; // from the header, 0 when unread
    AcpiProblem problem;
};

struct TableDirectory {
    Rsdp rsdp;
    PhysAddr rsdp_address;
    TableRef root; // the XSDT or RSDT that was walked
    // Why the XSDT was passed over for the RSDT, when it was.
    std::optional<TableFault> root_fallback;
    // Bytes at the end of the root table that do not make a whole entry.
    uint32_t root_trailing_bytes;
    FixedList<TableRef, max_tables> tables;
    FixedList<TableFault, max_table_faults> faults;
};

// Checks the table at `address`: the header can be read, 36 <= length <=
// max_table_length, the whole table can be read and its checksum is right. On
// failure `fault` (when given) says what was wrong.
Expected<TableRef> check_table(
    PhysicalMemory& memory, PhysAddr address, TableFault* fault = nullptr);

// The bytes of a table that check_table accepted.
Expected<std::span<const uint8_t>> map_table(PhysicalMemory& memory, const TableRef& table);

// Reads the RSDP at `rsdp`, then its XSDT (or RSDT) and every table it lists.
// Fails only when the RSDP or both root tables are unusable; `failure` (when
// given) then names the structure and the problem.
Expected<TableDirectory> read_table_directory(
    PhysicalMemory& memory, PhysAddr rsdp, TableFault* failure = nullptr);

// The `index`th table (0 = first) with this signature, in the root's order.
std::optional<TableRef> find_table(
    const TableDirectory& directory, TableSignature signature, size_t index = 0);

} // namespace rota
