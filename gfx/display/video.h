#pragma once

#include "core/boot_info.h"
#include "gfx/display/screen.h"

// The kernel's display chain (docs/boot.md): virtio-gpu when present, allowed
// by `video=` and initialised; otherwise the GOP framebuffer recorded before
// ExitBootServices; otherwise headless. Every choice and every reason for
// passing one over is logged, in the lines docs/serial.md names.

namespace rota {

// Builds the chain the configuration allows and opens its first working
// display. The screen lives as long as the kernel.
Screen& video_init(const BootInfo& info);

} // namespace rota
