#pragma once

#include <cstdint>

// The wire structures every ACPI table shares.

namespace rota {

// System Description Table Header, ACPI 6.5 section 5.2.6.
struct [[gnu::packed]] SdtHeader {
    char signature[4];
    uint32_t length; // of the whole table, header included
    uint8_t revision;
    uint8_t checksum;
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    char creator_id[4];
    uint32_t creator_revision;
};
static_assert(sizeof(SdtHeader) == 36);

// Generic Address Structure, ACPI 6.5 section 5.2.3.2.
struct [[gnu::packed]] GenericAddress {
    uint8_t space_id;
    uint8_t bit_width;
    uint8_t bit_offset;
    uint8_t access_size;
    uint64_t address;
};
static_assert(sizeof(GenericAddress) == 12);

// Address space ids of a Generic Address Structure.
enum class AddressSpace : uint8_t {
    SystemMemory = 0,
    SystemIo = 1,
    PciConfig = 2,
};

constexpr const char* address_space_name(AddressSpace space)
{
    switch (space) {
    case AddressSpace::SystemMemory:
        return "mmio";
    case AddressSpace::SystemIo:
        return "port";
    case AddressSpace::PciConfig:
        return "pci";
    }
    return "other";
}

} // namespace rota
