#pragma once

#include <cstdint>

#include "core/boot_info.h"
#include "core/display/rect.h"
#include "gfx/canvas/color.h"
#include "gfx/canvas/surface.h"

// Converting rota's pixels (gfx/canvas/color.h) to a framebuffer's format: the GOP's
// bgrx (the same bytes: a straight copy), rgbx (red and blue swapped) and
// bitmask (each channel shifted into the firmware's masks; UEFI 2.10,
// 12.9 EFI_PIXEL_BITMASK).

namespace rota {

class PixelConverter {
public:
    // Error for None and BltOnly: those have no pixels to write.
    static bool supports(PixelFormat format)
    {
        return format == PixelFormat::Bgrx || format == PixelFormat::Rgbx
            || format == PixelFormat::Bitmask;
    }

    PixelConverter(PixelFormat format, uint32_t red_mask, uint32_t green_mask, uint32_t blue_mask);

    uint32_t convert(Color color) const;

    // Copies `rect` (clipped to both) from `source` into the framebuffer at
    // `destination` (same coordinates), converting each pixel.
    void copy(
        const Surface& source, uint32_t* destination, int32_t destination_pitch, Rect rect) const;

private:
    struct Channel {
        int shift; // where the channel's top bit goes, relative to bit 7
        uint32_t mask;
    };
    static Channel channel_for(uint32_t mask);

    PixelFormat m_format;
    Channel m_red {}, m_green {}, m_blue {};
};

} // namespace rota
