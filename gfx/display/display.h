#pragma once

#include <cstdint>

#include "core/display/display_mode.h"
#include "core/lib/expected.h"
#include "gfx/canvas/damage.h"
#include "gfx/canvas/surface.h"
#include "gfx/display/rotating_layer.h"
#include "virtio/queue/queue_counters.h"

// Where frames go. A display hands out the back buffer to draw the next frame
// into and presents the damaged part of it. Presenting must not make the
// renderer wait for the device: a display that needs to wait does so at the
// start of the next present, by when the device has long finished.

namespace rota {

class Display {
public:
    virtual const char* backend_name() const = 0;
    virtual DisplayMode mode() const = 0;
    // The buffer the next frame is drawn into. Its contents are the previous
    // frame's: only damaged areas need drawing.
    virtual Surface back_buffer() = 0;
    // Called before drawing into the back buffer: a display whose back buffer
    // the device may still be reading waits here.
    virtual Expected<void> begin_frame() { return {}; }
    // Shows `damage` (in back-buffer coordinates) on the screen. An error means
    // the display is unusable from now on; the caller fails over.
    virtual Expected<void> present(const Damage& damage) = 0;
    // The virtqueue work since the last call (for the "[VIRTIO PERF]" line
    // and the frame statistics), then reset; zero for a display without one.
    virtual virtio::QueueCounters take_counters() = 0;
    // The display failed and is being replaced: stop the device (so it can no
    // longer write into memory rota reuses) and give the screen back.
    virtual void abandon() { }
    // A display that can turn a picture itself offers it here (null: the
    // scene draws everything into the back buffer).
    virtual RotatingLayer* rotating_layer() { return nullptr; }

protected:
    ~Display() = default;
};

} // namespace rota
