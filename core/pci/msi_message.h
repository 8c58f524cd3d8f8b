#pragma once

#include <cstdint>

#include "core/lib/expected.h"

// The message an MSI or MSI-X interrupt writes (Intel SDM vol. 3, 11.11):
// the address selects the local APIC, the data the vector. rota sends every
// message to one CPU in physical destination mode, fixed delivery, edge
// triggered (MSI is edge triggered by nature: the write is the edge).

namespace rota {

struct MsiMessage {
    uint64_t address {0};
    uint32_t data {0};

    bool operator==(const MsiMessage&) const = default;
};

namespace msi {
inline constexpr uint64_t address_base = 0xfee00000; // 11.11.1: bits 31:20 are 0xFEE
inline constexpr unsigned destination_shift = 12; // bits 19:12: the destination APIC id
} // namespace msi

// Error::Unsupported for an APIC id the 8-bit destination field cannot name
// (an x2APIC id above 255 needs interrupt remapping, which rota does not do).
inline Expected<MsiMessage> msi_message(uint32_t apic_id, uint8_t vector)
{
    if (apic_id > 0xff)
        return make_error(Error::Unsupported);
    // Address: redirection hint 0, destination mode 0 (physical). Data
    // (11.11.2): trigger mode 0 (edge), delivery mode 000 (fixed), the vector.
    return MsiMessage {msi::address_base | (uint64_t(apic_id) << msi::destination_shift), vector};
}

} // namespace rota
