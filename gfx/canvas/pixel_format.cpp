#include "gfx/canvas/pixel_format.h"

#include <bit>

#include "core/lib/hot_code.h"

namespace rota {

PixelConverter::PixelConverter(
    PixelFormat format, uint32_t red_mask, uint32_t green_mask, uint32_t blue_mask)
    : m_format(format)
{
    if (format == PixelFormat::Bitmask) {
        m_red = channel_for(red_mask);
        m_green = channel_for(green_mask);
        m_blue = channel_for(blue_mask);
    }
}

// A mask of n contiguous bits starting at bit `low` receives the channel's top
// n bits: shift the 8-bit value so that its bit 7 lands on the mask's top bit.
PixelConverter::Channel PixelConverter::channel_for(uint32_t mask)
{
    if (mask == 0)
        return {0, 0};
    int top = 31 - std::countl_zero(mask);
    return {top - 7, mask};
}

uint32_t PixelConverter::convert(Color color) const
{
    switch (m_format) {
    case PixelFormat::Bgrx:
        return color;
    case PixelFormat::Rgbx:
        return (uint32_t(blue_of(color)) << 16) | (uint32_t(green_of(color)) << 8) | red_of(color);
    case PixelFormat::Bitmask: {
        auto place = [](uint32_t value, Channel c) -> uint32_t {
            uint32_t shifted = c.shift >= 0 ? value << c.shift : value >> -c.shift;
            return shifted & c.mask;
        };
        return place(red_of(color), m_red) | place(green_of(color), m_green)
            | place(blue_of(color), m_blue);
    }
    default:
        return 0;
    }
}

ROTA_HOT_CODE void PixelConverter::copy(
    const Surface& source, uint32_t* destination, int32_t destination_pitch, Rect rect) const
{
    rect = rect.intersect(source.bounds());
    for (int32_t y = rect.y; y < rect.bottom(); ++y) {
        const uint32_t* from = source.row(y) + rect.x;
        uint32_t* to = destination + static_cast<ptrdiff_t>(y) * destination_pitch + rect.x;
        if (m_format == PixelFormat::Bgrx) {
            for (int32_t i = 0; i < rect.width; ++i)
                to[i] = from[i];
        } else {
            for (int32_t i = 0; i < rect.width; ++i)
                to[i] = convert(from[i]);
        }
    }
}

} // namespace rota
