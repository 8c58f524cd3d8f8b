#pragma once

#include <cstddef>
#include <cstdint>

#include "core/lib/expected.h"

// UEFI strings are UCS-2 (UEFI 2.10, 2.3.1 "Data Types": CHAR16). rota's log
// and configuration are ASCII.

namespace rota {

// Converts up to `count` code units (stopping at a NUL) into `out`, always
// NUL-terminated. Error::Corrupt if any unit outside printable ASCII (plus tab,
// CR, LF) appears: load options that are a binary blob, not text, are refused.
Expected<size_t> ucs2_to_ascii_strict(
    const uint16_t* text, size_t count, char* out, size_t capacity);

// For display only (e.g. the firmware vendor): unrepresentable units become '?'.
size_t ucs2_to_ascii_lossy(const uint16_t* text, size_t count, char* out, size_t capacity);

} // namespace rota
