#pragma once

#include "core/boot_info.h"
#include "gfx/display/display.h"

// The first step of the display chain (docs/virgl.md): virtio-gpu with
// VIRTIO_GPU_F_VIRGL negotiated, its capset read and accepted, and a context
// that renders. Anything short of that is logged with its reason, the device
// is reset, and the caller goes on to the 2D path on the same device.

namespace rota {

// The virgl display, or null after logging why not.
Display* open_virgl_display(const BootInfo& info);

} // namespace rota
