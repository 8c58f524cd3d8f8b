#pragma once

#include <cstdint>

#include "core/display/rect.h"
#include "gfx/canvas/surface.h"

// A picture that the display turns itself, for a display whose device can
// rotate and sample a texture (the virgl display: the host's renderer does
// the work the guest would otherwise do per pixel). The picture covers `area`
// of the screen, is drawn over the back buffer every frame it is shown, and
// turns about a centre inside `area`. Pixels are premultiplied by their alpha,
// which is in the top byte: where alpha is 0 the back buffer shows through.

namespace rota {

class RotatingLayer {
public:
    // Memory of area.width × area.height pixels to draw the picture into, or
    // an empty Surface (pixels null) when the display cannot hold one. The
    // picture is shown once commit_image() is called.
    virtual Surface image_buffer(Rect area, int32_t centre_x, int32_t centre_y) = 0;
    // The picture in image_buffer() is complete: upload it.
    virtual void commit_image() = 0;
    // Turns the picture to `turns` (clockwise; 1.0 is a full turn).
    virtual void set_turns(double turns) = 0;

protected:
    ~RotatingLayer() = default;
};

} // namespace rota
