#include "core/pci/function_line.h"

#include <cstdarg>

#include "core/lib/format.h"
#include "core/pci/pci_names.h"

namespace rota {

namespace {

class LineWriter {
public:
    LineWriter(char* buffer, size_t capacity)
        : m_buffer(buffer)
        , m_capacity(capacity)
    {
    }

    __attribute__((format(printf, 2, 3))) void add(const char* format_string, ...)
    {
        if (m_length + 1 >= m_capacity)
            return;
        va_list args;
        va_start(args, format_string);
        m_length += vformat(m_buffer + m_length, m_capacity - m_length, format_string, args);
        va_end(args);
    }
    size_t length() const { return m_length; }

private:
    char* m_buffer;
    size_t m_capacity;
    size_t m_length {0};
};

} // namespace

size_t format_function_line(const PciFunction& fn, char* buffer, size_t capacity)
{
    if (capacity == 0)
        return 0;
    buffer[0] = '\0';
    LineWriter line(buffer, capacity);
    line.add("%s %04x:%04x %s class=%02x%02x", bdf_text(fn.bdf).text, fn.vendor_id, fn.device_id,
        pci_function_name(fn), fn.class_code, fn.subclass);
    for (unsigned i = 0; i < fn.bar_count; ++i) {
        const Bar& bar = fn.bars[i];
        if (bar.present())
            line.add(" bar%u=%s:0x%lx/0x%lx", i, bar_kind_name(bar),
                static_cast<unsigned long>(bar.address), static_cast<unsigned long>(bar.size));
    }
    if (fn.is_bridge())
        line.add(" secondary=%02x subordinate=%02x scan=%s", fn.secondary_bus, fn.subordinate_bus,
            bridge_scan_name(fn.bridge_scan));
    if (fn.bar_error)
        line.add(" bars=%s", error_name(*fn.bar_error));
    if (fn.capability_error)
        line.add(" caps=%s", error_name(*fn.capability_error));
    return line.length();
}

} // namespace rota
