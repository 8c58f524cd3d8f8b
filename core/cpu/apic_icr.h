#pragma once

#include <cstdint>

// The local APIC's interrupt command register (Intel SDM vol. 3, 11.6.1): what
// an inter-processor interrupt says, encoded for the xAPIC (two 32-bit
// registers, an 8-bit destination) and the x2APIC (one 64-bit MSR, a 32-bit
// destination, 11.12.9). Pure, so the encodings are tested on the host.

namespace rota {

enum class IpiDelivery : uint32_t {
    Fixed = 0b000,
    Nmi = 0b100,
    Init = 0b101,
    Startup = 0b110,
};

enum class IpiShorthand : uint32_t {
    None = 0b00, // to `destination`
    Self = 0b01,
    AllIncludingSelf = 0b10,
    AllExcludingSelf = 0b11,
};

struct Ipi {
    IpiDelivery delivery;
    uint8_t vector; // for Startup: the page number of the start-up code
    uint32_t destination; // physical APIC id (ignored with a shorthand)
    bool assert {true}; // level: INIT de-assert sends assert = false
    bool level_triggered {false};
    IpiShorthand shorthand {IpiShorthand::None};
};

constexpr uint32_t icr_low(const Ipi& ipi)
{
    return ipi.vector | (static_cast<uint32_t>(ipi.delivery) << 8) | (ipi.assert ? 1u << 14 : 0u)
        | (ipi.level_triggered ? 1u << 15 : 0u) | (static_cast<uint32_t>(ipi.shorthand) << 18);
}

// xAPIC: the destination goes in bits 24..31 of the high register.
constexpr uint32_t icr_high_xapic(const Ipi& ipi)
{
    return (ipi.destination & 0xff) << 24;
}

// x2APIC: the whole destination in the upper 32 bits of the one MSR.
constexpr uint64_t icr_x2apic(const Ipi& ipi)
{
    return static_cast<uint64_t>(ipi.destination) << 32 | icr_low(ipi);
}

inline constexpr uint32_t icr_delivery_pending = 1u << 12; // xAPIC only

} // namespace rota
