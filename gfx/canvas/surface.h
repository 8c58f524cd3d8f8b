#pragma once

#include <cstddef>
#include <cstdint>

#include "core/display/rect.h"
#include "gfx/canvas/color.h"

// A view of 32-bit pixels in memory, rota's format (gfx/canvas/color.h): the back
// buffer the scene is drawn into, a virtio-gpu resource's backing, a test's
// std::vector. `pitch` is in pixels.

namespace rota {

struct Surface {
    uint32_t* pixels {nullptr};
    int32_t width {0};
    int32_t height {0};
    int32_t pitch {0};

    Rect bounds() const { return {0, 0, width, height}; }
    uint32_t* row(int32_t y) const { return pixels + static_cast<ptrdiff_t>(y) * pitch; }
    Color at(int32_t x, int32_t y) const { return row(y)[x]; }
};

} // namespace rota
