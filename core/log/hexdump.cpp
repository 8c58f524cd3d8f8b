#include "core/log/hexdump.h"

#include <cstdint>

#include "core/lib/format.h"
#include "core/log/log.h"

namespace rota {

void log_hexdump(const char* label, const void* data, size_t length)
{
    const auto* bytes = static_cast<const uint8_t*>(data);
    klog("[dump] %s begin length=%zu", label, length);
    for (size_t offset = 0; offset < length; offset += 16) {
        char line[16 * 3 + 1];
        size_t used = 0;
        for (size_t i = offset; i < length && i < offset + 16; ++i)
            used += format(line + used, sizeof line - used, " %02x", bytes[i]);
        line[used] = '\0';
        klog("[dump] %s %04zx:%s", label, offset, line);
    }
    klog("[dump] %s end", label);
}

} // namespace rota
