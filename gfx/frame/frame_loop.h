#pragma once

#include <cstdint>

#include "core/boot_info.h"
#include "gfx/canvas/damage.h"
#include "gfx/display/display.h"
#include "gfx/frame/frame_stats.h"
#include "gfx/scene.h"

// The frame loop: draw the damage, present it, account for it (docs/serial.md:
// the per-frame "[VIRTIO PERF]" line, a "[frame]" line every second), pace to
// `fps=`, and drain the log while waiting. A display that fails is replaced by
// the fallback and the scene is redrawn whole on the new one.

namespace rota {

struct FrameLoopResult {
    const char* backend;
    FrameSummary summary;
    uint64_t elapsed_ns;
};

// Runs until `config.frames` frames were presented (0: until the scene
// finishes). With no display at all it returns at once.
FrameLoopResult run_frame_loop(
    const BootInfo& info, Display*& display, Scene& scene, FrameStats& stats);

} // namespace rota
