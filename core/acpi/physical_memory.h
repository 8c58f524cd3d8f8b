#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/lib/addr.h"
#include "core/lib/expected.h"

// How the ACPI parsers read firmware memory: injected, so the same parsers run in
// the kernel (which reads physical memory through the firmware's identity map)
// and in host tests (which serve tables captured from QEMU at their original
// addresses). A parser asks for exactly the bytes it is about to read.

namespace rota {

class PhysicalMemory {
public:
    // The `length` bytes at `address`, readable until the accessor is destroyed.
    // Error::InvalidArgument when the range is not memory the accessor can read
    // (a null or wrapping address, or, in tests, bytes no fixture holds).
    virtual Expected<std::span<const uint8_t>> map(PhysAddr address, size_t length) = 0;

protected:
    ~PhysicalMemory() = default;
};

} // namespace rota
