#include "core/lib/format.h"

#include <cstdint>

namespace rota {

namespace {

class Writer {
public:
    Writer(char* buffer, size_t capacity)
        : m_buffer(buffer)
        , m_capacity(capacity)
    {
    }

    void put(char c)
    {
        if (m_length + 1 < m_capacity)
            m_buffer[m_length++] = c;
    }
    void repeat(char c, int count)
    {
        for (int i = 0; i < count; ++i)
            put(c);
    }
    size_t finish()
    {
        if (m_capacity > 0)
            m_buffer[m_length] = '\0';
        return m_length;
    }

private:
    char* m_buffer;
    size_t m_capacity;
    size_t m_length {0};
};

struct Spec {
    bool left {false};
    bool zero {false};
    int width {0};
    int precision {-1};
};

void put_padded(Writer& out, const Spec& spec, const char* text, int length)
{
    int padding = spec.width > length ? spec.width - length : 0;
    if (!spec.left)
        out.repeat(spec.zero ? '0' : ' ', padding);
    for (int i = 0; i < length; ++i)
        out.put(text[i]);
    if (spec.left)
        out.repeat(' ', padding);
}

void put_number(
    Writer& out, Spec spec, uint64_t magnitude, bool negative, unsigned base, bool upper)
{
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char reversed[24];
    int count = 0;
    do {
        reversed[count++] = digits[magnitude % base];
        magnitude /= base;
    } while (magnitude != 0);

    char text[26];
    int length = 0;
    int digit_width = spec.zero && !spec.left ? spec.width - (negative ? 1 : 0) : 0;
    if (negative)
        text[length++] = '-';
    for (int pad = count; pad < digit_width && length < 25 - count; ++pad)
        text[length++] = '0';
    while (count > 0)
        text[length++] = reversed[--count];
    spec.zero = false;
    put_padded(out, spec, text, length);
}

} // namespace

size_t vformat(char* buffer, size_t capacity, const char* format, va_list args)
{
    Writer out(buffer, capacity);
    for (const char* p = format; *p != '\0'; ++p) {
        if (*p != '%') {
            out.put(*p);
            continue;
        }
        ++p;
        Spec spec;
        for (;; ++p) {
            if (*p == '-')
                spec.left = true;
            else if (*p == '0')
                spec.zero = true;
            else
                break;
        }
        while (*p >= '0' && *p <= '9')
            spec.width = spec.width * 10 + (*p++ - '0');
        if (*p == '.') {
            ++p;
            spec.precision = 0;
            while (*p >= '0' && *p <= '9')
                spec.precision = spec.precision * 10 + (*p++ - '0');
        }
        int longs = 0;
        bool size_t_arg = false;
        for (;; ++p) {
            if (*p == 'l')
                ++longs;
            else if (*p == 'z')
                size_t_arg = true;
            else
                break;
        }

        auto next_unsigned = [&]() -> uint64_t {
            if (size_t_arg)
                return va_arg(args, size_t);
            if (longs == 1)
                return va_arg(args, unsigned long);
            if (longs >= 2)
                return va_arg(args, unsigned long long);
            return va_arg(args, unsigned int);
        };
        auto next_signed = [&]() -> int64_t {
            if (size_t_arg)
                return static_cast<int64_t>(va_arg(args, size_t));
            if (longs == 1)
                return va_arg(args, long);
            if (longs >= 2)
                return va_arg(args, long long);
            return va_arg(args, int);
        };

        switch (*p) {
        case 'd':
        case 'i': {
            int64_t value = next_signed();
            uint64_t magnitude
                = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
            put_number(out, spec, magnitude, value < 0, 10, false);
            break;
        }
        case 'u':
            put_number(out, spec, next_unsigned(), false, 10, false);
            break;
        case 'x':
        case 'X':
            put_number(out, spec, next_unsigned(), false, 16, *p == 'X');
            break;
        case 'p':
            out.put('0');
            out.put('x');
            put_number(
                out, spec, reinterpret_cast<uintptr_t>(va_arg(args, void*)), false, 16, false);
            break;
        case 'c': {
            char c = static_cast<char>(va_arg(args, int));
            put_padded(out, spec, &c, 1);
            break;
        }
        case 's': {
            const char* text = va_arg(args, const char*);
            if (text == nullptr)
                text = "(null)";
            int length = 0;
            while (text[length] != '\0' && (spec.precision < 0 || length < spec.precision))
                ++length;
            put_padded(out, spec, text, length);
            break;
        }
        case '%':
            out.put('%');
            break;
        case '\0':
            // A lone '%' at the end: print it rather than reading past the string.
            out.put('%');
            --p;
            break;
        default:
            out.put('%');
            out.put(*p);
            break;
        }
    }
    return out.finish();
}

size_t format(char* buffer, size_t capacity, const char* format, ...)
{
    va_list args;
    va_start(args, format);
    size_t length = vformat(buffer, capacity, format, args);
    va_end(args);
    return length;
}

} // namespace rota
