#pragma once

#include <cstdarg>
#include <cstddef>

// A small printf: rota has no libc. Supports %d %i %u %x %X %p %s %c %% with the
// length modifiers l, ll, z, flags '-' and '0', a field width and, for %s, a
// precision. Always NUL-terminates and returns the length it wrote (truncated to
// fit), so a full buffer cuts a line short rather than overflowing it.

namespace rota {

size_t vformat(char* buffer, size_t capacity, const char* format, va_list args);

__attribute__((format(printf, 3, 4))) size_t format(
    char* buffer, size_t capacity, const char* format, ...);

} // namespace rota
