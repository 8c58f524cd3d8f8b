#pragma once

#include <cstdarg>
#include <cstddef>

#include "core/lib/string_view.h"

// Builds one line of text in a buffer the caller owns, piece by piece. What
// does not fit is cut off, never written past the end, and the text is always
// NUL-terminated (when the capacity is not zero): a log line that is too long
// comes out short instead of overflowing. Numbers go through appendf, which is
// core/lib/format.h's printf.

namespace rota {

class TextBuilder {
public:
    TextBuilder(char* buffer, size_t capacity);

    void append(char c);
    void append(StringView text);
    __attribute__((format(printf, 2, 3))) void appendf(const char* format, ...);
    void vappendf(const char* format, va_list args);

    size_t length() const { return m_length; }
    // The text so far; "" when the capacity is zero.
    const char* text() const { return m_capacity > 0 ? m_buffer : ""; }

private:
    char* m_buffer;
    size_t m_capacity;
    size_t m_length {0};
};

} // namespace rota
