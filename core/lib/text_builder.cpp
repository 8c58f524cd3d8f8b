#include "core/lib/text_builder.h"

#include "core/lib/format.h"

namespace rota {

TextBuilder::TextBuilder(char* buffer, size_t capacity)
    : m_buffer(buffer)
    , m_capacity(capacity)
{
    if (m_capacity > 0)
        m_buffer[0] = '\0';
}

void TextBuilder::append(char c)
{
    if (m_length + 1 >= m_capacity)
        return;
    m_buffer[m_length++] = c;
    m_buffer[m_length] = '\0';
}

void TextBuilder::append(StringView text)
{
    for (char c : text)
        append(c);
}

void TextBuilder::appendf(const char* format, ...)
{
    va_list args;
    va_start(args, format);
    vappendf(format, args);
    va_end(args);
}

void TextBuilder::vappendf(const char* format, va_list args)
{
    if (m_length + 1 >= m_capacity)
        return;
    m_length += vformat(m_buffer + m_length, m_capacity - m_length, format, args);
}

} // namespace rota
