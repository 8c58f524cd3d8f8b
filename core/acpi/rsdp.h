#pragma once

#include <cstddef>
#include <cstdint>

#include "core/acpi/physical_memory.h"
#include "core/acpi/problem.h"
#include "core/lib/addr.h"
#include "core/lib/expected.h"

// The Root System Description Pointer, ACPI 6.5 section 5.2.5.3: where the
// firmware says its tables are. efi/ finds it in the UEFI configuration table.

namespace rota {

// The structure. The first 20 bytes are the ACPI 1.0 structure; revision 2 and up
// add the rest (and then `length` says how much there is).
struct [[gnu::packed]] RsdpWire {
    char signature[8]; // "RSD PTR "
    uint8_t checksum; // over the first 20 bytes
    char oem_id[6];
    uint8_t revision; // 0: ACPI 1.0; 2: ACPI 2.0 and later
    uint32_t rsdt_address;
    uint32_t length;
    uint64_t xsdt_address;
    uint8_t extended_checksum; // over `length` bytes
    uint8_t reserved[3];
};
static_assert(sizeof(RsdpWire) == 36);

inline constexpr size_t rsdp_v1_length = 20;
// No RSDP revision defines more than 36 bytes; a larger length is not believed
// beyond this.
inline constexpr uint32_t rsdp_max_length = 4096;

struct Rsdp {
    uint8_t revision;
    char oem_id[7]; // NUL-terminated, trailing spaces removed, '?' for unprintable bytes
    uint32_t length; // the bytes the checksums covered (20 for revision 0)
    PhysAddr rsdt;
    PhysAddr xsdt; // null before revision 2
};

// Reads and checks the RSDP at `address`: signature, the 1.0 checksum and, for
// revision 2 and up, the length and the extended checksum. On failure `problem`
// (when given) says which check failed.
Expected<Rsdp> read_rsdp(PhysicalMemory& memory, PhysAddr address, AcpiProblem* problem = nullptr);

} // namespace rota
