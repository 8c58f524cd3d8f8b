#pragma once

#include "core/boot_info.h"
#include "gfx/display/display.h"

// Choosing the display (docs/boot.md): virtio-gpu when present, allowed by
// `video=` and initialised; otherwise the GOP framebuffer recorded before
// ExitBootServices; otherwise headless. Every choice and every reason for
// passing one over is logged, in the lines docs/serial.md names.

namespace rota {

// Null when running headless.
Display* video_init(const BootInfo& info);

// After `failed` stopped working: the GOP framebuffer if there is one that is
// not the failed display, else null (headless).
Display* video_fail_over(const BootInfo& info, Display* failed);

} // namespace rota
