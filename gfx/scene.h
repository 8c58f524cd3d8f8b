#pragma once

#include <cstdint>

#include "gfx/canvas/damage.h"
#include "gfx/canvas/surface.h"

// What the frame loop (gfx/frame/frame_loop.h) shows: something that draws a frame
// for a given time and says which rectangles changed.

namespace rota {

class Scene {
public:
    // Draws frame `frame` at `now_ns` into `target`, adding what changed to
    // `damage`; with `full`, everything (a new display, or the first frame).
    virtual void draw(Surface& target, uint64_t frame, uint64_t now_ns, bool full, Damage& damage)
        = 0;
    // True when the scene wants the loop to end (the gate decided).
    virtual bool finished() const { return false; }

protected:
    ~Scene() = default;
};

} // namespace rota
