#include "core/lib/parse_number.h"

namespace rota {

namespace {

// The value of `c` as a digit of `base` (10 or 16), or -1.
int digit_value(char c, unsigned base)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (base == 16 && c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (base == 16 && c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

Expected<uint64_t> parse_digits(StringView text, unsigned base)
{
    if (text.empty())
        return make_error(Error::InvalidArgument);
    uint64_t value = 0;
    for (char c : text) {
        int digit = digit_value(c, base);
        if (digit < 0)
            return make_error(Error::InvalidArgument);
        if (value > (UINT64_MAX - uint64_t(digit)) / base)
            return make_error(Error::InvalidArgument);
        value = value * base + uint64_t(digit);
    }
    return value;
}

} // namespace

Expected<uint64_t> parse_decimal(StringView text)
{
    return parse_digits(text, 10);
}

Expected<uint64_t> parse_number(StringView text)
{
    if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
        return parse_digits(slice(text, 2), 16);
    return parse_digits(text, 10);
}

} // namespace rota
