#include "core/lib/ucs2.h"

namespace rota {

namespace {

bool is_text(uint16_t unit)
{
    return (unit >= 0x20 && unit < 0x7f) || unit == '\t' || unit == '\r' || unit == '\n';
}

} // namespace

Expected<size_t> ucs2_to_ascii_strict(
    const uint16_t* text, size_t count, char* out, size_t capacity)
{
    if (capacity == 0)
        return make_error(Error::InvalidArgument);
    size_t length = 0;
    for (size_t i = 0; i < count && text[i] != 0; ++i) {
        if (!is_text(text[i])) {
            out[0] = '\0';
            return make_error(Error::Corrupt);
        }
        if (length + 1 < capacity)
            out[length++] = static_cast<char>(text[i]);
    }
    out[length] = '\0';
    return length;
}

size_t ucs2_to_ascii_lossy(const uint16_t* text, size_t count, char* out, size_t capacity)
{
    if (capacity == 0)
        return 0;
    size_t length = 0;
    for (size_t i = 0; i < count && text[i] != 0 && length + 1 < capacity; ++i)
        out[length++] = is_text(text[i]) && text[i] != '"' ? static_cast<char>(text[i]) : '?';
    out[length] = '\0';
    return length;
}

} // namespace rota
