#include "core/display/edid.h"

namespace rota {

std::optional<DisplayMode> edid_preferred_mode(std::span<const uint8_t> edid)
{
    static constexpr uint8_t header[8] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
    if (edid.size() < 128)
        return std::nullopt;
    for (size_t i = 0; i < 8; ++i) {
        if (edid[i] != header[i])
            return std::nullopt;
    }
    uint8_t sum = 0;
    for (size_t i = 0; i < 128; ++i)
        sum = static_cast<uint8_t>(sum + edid[i]);
    if (sum != 0)
        return std::nullopt;

    // E-EDID 1.4 section 3.10.2: descriptor 1 at byte 54. A pixel clock of 0
    // marks a display descriptor rather than a timing.
    const uint8_t* d = edid.data() + 54;
    if (d[0] == 0 && d[1] == 0)
        return std::nullopt;
    uint32_t width = d[2] | ((d[4] & 0xf0u) << 4);
    uint32_t height = d[5] | ((d[7] & 0xf0u) << 4);
    if (width == 0 || height == 0)
        return std::nullopt;
    return DisplayMode {width, height};
}

} // namespace rota
