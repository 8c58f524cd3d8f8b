#pragma once

#include <cstdint>

// The context health probe. virglrenderer answers SUBMIT_3D with OK_NODATA
// even when it rejects the stream: a command it cannot decode, a shader its
// TGSI parser or the GL compiler refuses, puts the context in error, and from
// then on it ignores every command of that context (vrend_decode.c,
// vrend_hw_switch_context) without telling the guest. So the display clears
// a small off-screen target to a colour that changes every time, reads one
// pixel back (TRANSFER_FROM_HOST_3D) and compares: a context in error leaves
// the guest's sentinel there.

namespace rota::gpu::virgl {

struct ProbeColour {
    uint8_t red, green, blue;

    // As the clear command takes it: 0..1.
    constexpr float r() const { return float(red) / 255.0f; }
    constexpr float g() const { return float(green) / 255.0f; }
    constexpr float b() const { return float(blue) / 255.0f; }
    // As a B8G8R8X8 pixel reads back (the X byte is ignored).
    constexpr uint32_t pixel() const { return uint32_t(red) << 16 | uint32_t(green) << 8 | blue; }
};

// Distinct for consecutive sequence numbers, never black (a cleared or
// untouched buffer) and never the sentinel.
constexpr ProbeColour probe_colour(uint32_t sequence)
{
    return {uint8_t(0x40 + (sequence * 37) % 0xb0), uint8_t(0x40 + (sequence * 101) % 0xb0),
        uint8_t(0x40 + (sequence * 53) % 0xb0)};
}

// What the guest writes before the read-back: no probe colour has a channel
// below 0x40, so this can never be mistaken for one.
inline constexpr uint32_t probe_sentinel = 0x00101010;

constexpr bool probe_matches(uint32_t read_back, ProbeColour expected)
{
    return (read_back & 0x00ffffff) == expected.pixel();
}

} // namespace rota::gpu::virgl
