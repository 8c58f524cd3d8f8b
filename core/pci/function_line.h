#pragma once

#include <cstddef>

#include "core/pci/pci_function.h"

// The text of a function's `[pci]` line after the prefix (docs/serial.md):
//   00:03.0 1af4:1050 virtio-gpu class=0300 bar1=mem32:0xc1a00000/0x1000
//   bar4=mem64p:0x800000000/0x4000
// then, when they apply, bridge facts (secondary=01 subordinate=01 scan=followed)
// and errors (bars=corrupt caps=corrupt). Truncated to fit; always NUL-terminated.

namespace rota {

size_t format_function_line(const PciFunction& fn, char* buffer, size_t capacity);

} // namespace rota
