#pragma once

// A minimal EDID 1.4 base block (VESA E-EDID 1.4, 3.1) whose first detailed
// timing descriptor (3.10.2) is the given mode, checksum fixed up: what QEMU's
// virtio-gpu answers GET_EDID with, reduced to the fields rota reads.

#include <array>
#include <cstdint>

namespace test_support {

inline std::array<uint8_t, 128> make_edid(uint32_t width, uint32_t height)
{
    std::array<uint8_t, 128> edid {};
    const uint8_t header[8] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
    for (int i = 0; i < 8; ++i)
        edid[i] = header[i];
    edid[18] = 1;
    edid[19] = 4;
    uint8_t* d = &edid[54];
    d[0] = 0x64; // pixel clock, non-zero
    d[1] = 0x19;
    d[2] = width & 0xff;
    d[4] = static_cast<uint8_t>((width >> 8) << 4);
    d[5] = height & 0xff;
    d[7] = static_cast<uint8_t>((height >> 8) << 4);
    uint8_t sum = 0;
    for (int i = 0; i < 127; ++i)
        sum = static_cast<uint8_t>(sum + edid[i]);
    edid[127] = static_cast<uint8_t>(0x100 - sum);
    return edid;
}

} // namespace test_support
