#pragma once

#include "core/acpi/physical_memory.h"

// The kernel's PhysicalMemory: rota runs on the firmware's identity map (kept
// after ExitBootServices), so a physical range is readable at the same virtual
// address. The checks keep a corrupt pointer from becoming a wild read of a
// non-canonical or wrapping address.

namespace rota {

class IdentityMemory final : public PhysicalMemory {
public:
    Expected<std::span<const uint8_t>> map(PhysAddr address, size_t length) override;
};

} // namespace rota
