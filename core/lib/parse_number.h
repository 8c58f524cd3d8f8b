#pragma once

#include <cstdint>

#include "core/lib/expected.h"
#include "core/lib/string_view.h"

// Unsigned numbers from text someone typed (a configuration file, a boot
// option). Strict: the whole text must be the number, with no sign, no blanks
// and no overflow; anything else is Error::InvalidArgument, never a guess.

namespace rota {

// Decimal digits only. "007" is 7; "" and "0x10" are errors.
Expected<uint64_t> parse_decimal(StringView text);

// Decimal, or hexadecimal after "0x" or "0X" (either case of digit).
Expected<uint64_t> parse_number(StringView text);

} // namespace rota
