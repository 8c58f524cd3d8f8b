#pragma once

#include <cstdint>

#include "core/pci/bdf.h"

namespace rota {

// CONFIG_ADDRESS for configuration mechanism #1 (PCI Local Bus 3.0, 3.2.2.3.2):
// enable bit 31, bus 23:16, device 15:11, function 10:8, dword register 7:2.
// Only offsets below 256 are reachable this way.
constexpr uint32_t legacy_config_address(Bdf bdf, uint16_t offset)
{
    return 0x80000000u | (uint32_t(bdf.bus) << 16) | (uint32_t(bdf.device) << 11)
        | (uint32_t(bdf.function) << 8) | (offset & 0xfcu);
}

} // namespace rota
