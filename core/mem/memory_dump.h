#pragma once

#include "core/boot_info.h"

// debug=dump-memory-map: the firmware's memory map and memory attributes table
// as "[dump]" lines (core/log/hexdump.h), announced by "[mem] dump label=..."
// lines with what a reader needs to parse them, and the loader data the kernel
// keeps; tests/fixtures/capture_memory_map.py turns them into host-test fixtures.

namespace rota {

void dump_memory_map(const BootInfo& info);

} // namespace rota
