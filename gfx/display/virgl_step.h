#pragma once

#include "core/boot_info.h"
#include "gfx/display/screen.h"

// The first step of the display chain (docs/virgl.md): virtio-gpu with
// VIRTIO_GPU_F_VIRGL negotiated, its capset read and accepted, and a context
// that renders. Anything short of that is logged with its reason and the
// device is reset; the screen goes on to the next step, the 2D path on the
// same device (gfx/display/video.cpp).

namespace rota {

class VirglStep final : public DisplayStep {
public:
    // `insisted`: video=virgl asked for this step by name, so its absence is
    // said in those words too.
    VirglStep(const BootInfo& info, bool insisted)
        : m_info(info)
        , m_insisted(insisted)
    {
    }
    const char* name() const override { return "virgl"; }
    // The virgl display, or null after logging why not.
    Display* open() override;

private:
    const BootInfo& m_info;
    bool m_insisted;
};

} // namespace rota
