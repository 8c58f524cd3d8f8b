#pragma once

#include <cstdint>

// Colours as rota draws them: 0x00RRGGBB in a uint32_t, which in memory on a
// little-endian CPU is the byte order B, G, R, X — the layout of virtio-gpu's
// B8G8R8X8_UNORM and of the GOP's PixelBlueGreenRedReserved8BitPerColor, so the
// common case needs no conversion.

namespace rota {

using Color = uint32_t;

constexpr Color rgb(uint8_t r, uint8_t g, uint8_t b)
{
    return (uint32_t(r) << 16) | (uint32_t(g) << 8) | b;
}
constexpr uint8_t red_of(Color c)
{
    return static_cast<uint8_t>(c >> 16);
}
constexpr uint8_t green_of(Color c)
{
    return static_cast<uint8_t>(c >> 8);
}
constexpr uint8_t blue_of(Color c)
{
    return static_cast<uint8_t>(c);
}

// a + (b - a) * alpha / 255 per channel, alpha in 0..255, exact at both ends.
constexpr Color blend(Color a, Color b, uint32_t alpha)
{
    auto mix = [alpha](uint32_t x, uint32_t y) -> uint32_t {
        return (x * (255 - alpha) + y * alpha + 127) / 255;
    };
    return (mix(red_of(a), red_of(b)) << 16) | (mix(green_of(a), green_of(b)) << 8)
        | mix(blue_of(a), blue_of(b));
}

} // namespace rota
