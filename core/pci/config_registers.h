#pragma once

#include <cstdint>

#include "core/cpu/io_space.h"

// The configuration header, as typed registers (offset and width together).
// PCI Local Bus 3.0, 6.1 figure 6-1 (header type 0) and 6.2; PCI-to-PCI Bridge
// Architecture 1.2, 3.2 figure 3-1 (header type 1). The first 16 bytes are common
// to every header type.

namespace rota::pci {

// Common to all header types.
inline constexpr Register<uint16_t> vendor_id {0x00};
inline constexpr Register<uint16_t> device_id {0x02};
inline constexpr Register<uint16_t> command {0x04};
inline constexpr Register<uint16_t> status {0x06};
inline constexpr Register<uint8_t> revision_id {0x08};
inline constexpr Register<uint8_t> prog_if {0x09};
inline constexpr Register<uint8_t> subclass {0x0a};
inline constexpr Register<uint8_t> class_code {0x0b};
inline constexpr Register<uint8_t> header_type {0x0e};
inline constexpr Register<uint8_t> interrupt_line {0x3c};
inline constexpr Register<uint8_t> interrupt_pin {0x3d};

// Type 0 (6.2.5): six BARs; type 1 (bridge 1.2, 3.2.5.1): the first two only.
inline constexpr uint16_t bar0_offset = 0x10;
constexpr Register<uint32_t> bar(unsigned index)
{
    return {bar0_offset + 4 * index};
}
inline constexpr Register<uint16_t> subsystem_vendor_id {0x2c};
inline constexpr Register<uint16_t> subsystem_id {0x2e};
inline constexpr Register<uint8_t> capabilities_pointer {0x34};

// Type 1 (bridge 1.2, 3.2.5.2-3.2.5.4).
inline constexpr Register<uint8_t> primary_bus {0x18};
inline constexpr Register<uint8_t> secondary_bus {0x19};
inline constexpr Register<uint8_t> subordinate_bus {0x1a};

// Type 2, CardBus (PC Card 8.0): its capabilities pointer sits elsewhere.
inline constexpr Register<uint8_t> cardbus_capabilities_pointer {0x14};

// Command register bits (6.2.2).
inline constexpr uint16_t command_io_space = 1u << 0;
inline constexpr uint16_t command_memory_space = 1u << 1;
inline constexpr uint16_t command_bus_master = 1u << 2;
inline constexpr uint16_t command_interrupt_disable = 1u << 10;

// Status register (6.2.3): bit 4 says a capabilities list exists.
inline constexpr uint16_t status_capabilities_list = 1u << 4;

// Header type register (6.2.1): bit 7 = multi-function device, bits 6:0 = layout.
inline constexpr uint8_t header_type_multifunction = 0x80;
inline constexpr uint8_t header_type_layout_mask = 0x7f;
enum class HeaderLayout : uint8_t { Normal = 0, Bridge = 1, CardBus = 2 };

// The first offset after the type 0/1 header: capabilities live at or above it.
inline constexpr uint16_t header_end = 0x40;
// The PCI-compatible part of configuration space, where the capability list lives
// (6.7); PCIe extended configuration space (0x100-0xfff) is ECAM-only.
inline constexpr uint16_t legacy_space_size = 256;

} // namespace rota::pci
