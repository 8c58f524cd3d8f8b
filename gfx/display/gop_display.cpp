#include "gfx/display/gop_display.h"

#include <algorithm>
#include <new>

#include "core/mem/kernel_memory.h"
#include "smp/parallel.h"

namespace rota {

Expected<GopDisplay*> GopDisplay::create(const GopFramebuffer& gop)
{
    if (!PixelConverter::supports(gop.format) || gop.base.is_null() || gop.width == 0
        || gop.height == 0)
        return make_error(Error::Unsupported);
    if (gop.pixels_per_scanline < gop.width
        || uint64_t(gop.pixels_per_scanline) * gop.height * 4 > gop.size)
        return make_error(Error::Corrupt);
    uint64_t bytes = uint64_t(gop.width) * gop.height * 4;
    auto pages = TRY(allocate_pages((bytes + page_size - 1) / page_size));
    Surface back {reinterpret_cast<uint32_t*>(pages.get()), int32_t(gop.width), int32_t(gop.height),
        int32_t(gop.width)};
    return new GopDisplay(gop, back);
}

GopDisplay::GopDisplay(const GopFramebuffer& gop, Surface back)
    : m_gop(gop)
    , m_back(back)
    , m_converter(gop.format, gop.red_mask, gop.green_mask, gop.blue_mask)
{
}

DisplayMode GopDisplay::mode() const
{
    return {m_gop.width, m_gop.height};
}

Expected<void> GopDisplay::present(const Damage& damage)
{
    // Each rectangle in bands of rows on every CPU: on this display the copy
    // is most of a frame's present.
    auto* framebuffer = reinterpret_cast<uint32_t*>(m_gop.base.get());
    int32_t pitch = int32_t(m_gop.pixels_per_scanline);
    for (const Rect& rect : damage.rects()) {
        auto copy_bands = [&](uint64_t begin, uint64_t end) {
            int32_t top = rect.y + int32_t(begin) * present_band_rows;
            int32_t bottom = std::min(rect.bottom(), rect.y + int32_t(end) * present_band_rows);
            m_converter.copy(m_back, framebuffer, pitch, {rect.x, top, rect.width, bottom - top});
        };
        parallel_for(
            uint64_t((rect.height + present_band_rows - 1) / present_band_rows), 1, copy_bands);
    }
    return {};
}

} // namespace rota
