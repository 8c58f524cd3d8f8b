#include "core/pci/function_line.h"

#include "core/lib/text_builder.h"
#include "core/pci/pci_names.h"

namespace rota {

size_t format_function_line(const PciFunction& fn, char* buffer, size_t capacity)
{
    TextBuilder line(buffer, capacity);
    line.appendf("%s %04x:%04x %s class=%02x%02x", bdf_text(fn.bdf).text, fn.vendor_id,
        fn.device_id, pci_function_name(fn), fn.class_code, fn.subclass);
    for (unsigned i = 0; i < fn.bar_count; ++i) {
        const Bar& bar = fn.bars[i];
        if (bar.present())
            line.appendf(" bar%u=%s:0x%lx/0x%lx", i, bar_kind_name(bar),
                static_cast<unsigned long>(bar.address), static_cast<unsigned long>(bar.size));
    }
    if (fn.is_bridge())
        line.appendf(" secondary=%02x subordinate=%02x scan=%s", fn.secondary_bus,
            fn.subordinate_bus, bridge_scan_name(fn.bridge_scan));
    if (fn.bar_error)
        line.appendf(" bars=%s", error_name(*fn.bar_error));
    if (fn.capability_error)
        line.appendf(" caps=%s", error_name(*fn.capability_error));
    return line.length();
}

} // namespace rota
