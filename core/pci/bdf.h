#pragma once

#include <cstdint>

// A PCI function's address: segment (PCI Firmware 3.2, 4.1.2: one MCFG entry per
// segment group), bus, device (0-31) and function (0-7), as in PCI Local Bus 3.0,
// 3.2.2.3.1. A struct of named fields rather than a packed integer, so that a
// device number cannot be passed where a function number is meant.

namespace rota {

struct Bdf {
    uint16_t segment {0};
    uint8_t bus {0};
    uint8_t device {0}; // 0..31
    uint8_t function {0}; // 0..7

    static constexpr uint8_t devices_per_bus = 32;
    static constexpr uint8_t functions_per_device = 8;

    constexpr bool is_valid() const
    {
        return device < devices_per_bus && function < functions_per_device;
    }
    constexpr bool operator==(const Bdf&) const = default;
};

// "00:03.0", or "0001:00:03.0" outside segment 0 (lspci's spelling; docs/serial.md).
struct BdfText {
    char text[16];
};
BdfText bdf_text(Bdf bdf);

} // namespace rota
