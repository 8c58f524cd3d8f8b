#pragma once

#include "core/boot_info.h"
#include "gfx/canvas/pixel_format.h"
#include "gfx/display/display.h"

// The UEFI GOP's linear framebuffer, recorded before ExitBootServices, as a
// display: frames are drawn into a back buffer in ordinary memory and the
// damaged rectangles are copied (and converted to the framebuffer's pixel
// format) on present. Blt-only GOPs have no framebuffer and cannot be used
// once boot services are gone.

namespace rota {

class GopDisplay final : public Display {
public:
    // Error::Unsupported for a blt-only or absent GOP; OutOfMemory if the back
    // buffer cannot be allocated.
    static Expected<GopDisplay*> create(const GopFramebuffer& gop);

    const char* backend_name() const override { return "gop"; }
    DisplayMode mode() const override;
    Surface back_buffer() override { return m_back; }
    Expected<void> present(const Damage& damage) override;
    // No device queue: nothing to fence, poll or notify.
    virtio::QueueCounters take_counters() override { return {}; }

private:
    // Rows per chunk of the parallel copy: the wheel's square at 1280x800
    // (563 rows) is 18 chunks, enough for two CPUs to even out.
    static constexpr int32_t present_band_rows = 32;

    GopDisplay(const GopFramebuffer& gop, Surface back);

    GopFramebuffer m_gop;
    Surface m_back;
    PixelConverter m_converter;
};

} // namespace rota
