#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/acpi/fixed_list.h"
#include "core/lib/expected.h"

// The MCFG table, PCI Firmware Specification 3.2 section 4.1.2: where each PCI
// segment's enhanced configuration space (ECAM) is. q35 has one; i440fx (pc)
// has none, and PCI then uses the legacy 0xCF8/0xCFC ports.

namespace rota {

inline constexpr size_t max_pci_segments = 16;

// One "Configuration Space Base Address Allocation Structure" (Table 4-3).
struct [[gnu::packed]] McfgEntryWire {
    uint64_t base_address; // the ECAM address of bus 0, even when start_bus > 0
    uint16_t segment;
    uint8_t start_bus;
    uint8_t end_bus;
    uint32_t reserved;
};
static_assert(sizeof(McfgEntryWire) == 16);

inline constexpr size_t mcfg_entries_offset = 44; // header (36) + 8 reserved bytes

struct EcamRegion {
    uint64_t base;
    uint16_t segment;
    uint8_t start_bus;
    uint8_t end_bus;
};

struct Mcfg {
    FixedList<EcamRegion, max_pci_segments> regions;
    // Entries refused: a null base, or an end bus below the start bus.
    size_t invalid_entries;
    // Bytes after the last whole entry. The table's length should be 44 + 16n;
    // like Linux, rota keeps the whole entries and reports the rest.
    uint32_t trailing_bytes;
};

// Parses an MCFG that check_table accepted. Error::Corrupt when it is shorter
// than its fixed part.
Expected<Mcfg> parse_mcfg(std::span<const uint8_t> table);

} // namespace rota
