#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "core/lib/assert.h"

// Reading firmware tables: their fields are little-endian (ACPI 6.5 section
// 5.2, like x86 itself) and often unaligned (an XSDT's 64-bit entries start at
// offset 36), so fields are copied out, never read through a cast pointer.

namespace rota {

// The T at `offset` of `bytes`. Callers check the table's length first; reading
// past the span is a bug in the parser, not in the table.
template<class T>
T load(std::span<const uint8_t> bytes, size_t offset)
{
    static_assert(std::is_trivially_copyable_v<T>);
    ROTA_ASSERT(offset <= bytes.size() && sizeof(T) <= bytes.size() - offset);
    T value;
    __builtin_memcpy(&value, bytes.data() + offset, sizeof(T));
    return value;
}

// ACPI 6.5 section 5.2.5.3 and 5.2.6: the bytes of a structure, its checksum
// field included, sum to zero modulo 256.
constexpr uint8_t byte_sum(std::span<const uint8_t> bytes)
{
    uint8_t sum = 0;
    for (uint8_t byte : bytes)
        sum = static_cast<uint8_t>(sum + byte);
    return sum;
}

} // namespace rota
