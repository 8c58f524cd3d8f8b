#pragma once

#include <optional>

#include "gfx/display/display.h"
#include "virtio/gpu/gpu_device.h"
#include "virtio/gpu/virgl/capset.h"
#include "virtio/gpu/virgl/commands_3d.h"
#include "virtio/gpu/virgl/encoder.h"

// virtio-gpu with VIRTIO_GPU_F_VIRGL as a display: the host's 3D renderer
// (virglrenderer, on llvmpipe when the host has no GPU) composes the screen.
// docs/virgl.md describes the whole path.
//
// The guest still draws what changes rarely (titles, fate box, banner, HUD,
// the wheel's rim and hub) into a back buffer in its own memory, as for 2D;
// present() uploads only the damaged rectangles into a host texture (the
// canvas, TRANSFER_TO_HOST_3D) and copies them into the render target the
// scanout shows (RESOURCE_COPY_REGION in the command stream). What turns every
// frame, the wheel's ring, is a rotating layer (gfx/display/rotating_layer.h):
// uploaded once as a texture, then drawn by the host each frame as a quad the
// vertex shader rotates, sampled bilinearly, blended over the canvas. One
// SUBMIT_3D per frame, then a fenced RESOURCE_FLUSH; the next frame waits for
// that fence in begin_frame(), and a fence that does not come back within a
// second is a failure. Every 16th frame the command stream also clears a probe
// target and reads one pixel back (virtio/gpu/virgl/probe.h): a context the
// host has put in error is detected there, since SUBMIT_3D never reports one.
//
// Every failure (an error response, a timeout, a probe that reads back wrong)
// makes present() or begin_frame() fail; the caller falls back to the 2D path.

namespace rota::gpu {

struct VirglDebug {
    bool rejected_shader_at_frame_30 {false}; // debug=virgl-fault
    // debug=virgl-no-flush: fence the SUBMIT_3D and send no RESOURCE_FLUSH,
    // so the display never copies the frame out: what the host's rendering
    // alone costs (the screen then stays as it was; for measurements only).
    bool no_flush {false};
};

class VirglDisplay final : public Display, public RotatingLayer {
public:
    // Sets up the context, resources and pipeline on a device that negotiated
    // VIRTIO_GPU_F_VIRGL, checks with one probe that the host renders, and
    // shows a black screen. Every failure is logged.
    static Expected<VirglDisplay*> create(GpuDevice& device, const virgl::VirglCaps& caps,
        std::optional<DisplayMode> wanted, VirglDebug debug = {});

    const char* backend_name() const override { return "virgl"; }
    DisplayMode mode() const override { return m_mode; }
    Surface back_buffer() override { return m_canvas; }
    Expected<void> begin_frame() override;
    Expected<void> present(const Damage& damage) override;
    virtio::QueueCounters take_counters() override { return m_device.take_counters(); }
    void abandon() override { m_device.shut_down(); }
    RotatingLayer* rotating_layer() override { return this; }

    Surface image_buffer(Rect area, int32_t centre_x, int32_t centre_y) override;
    void commit_image() override { m_image_dirty = m_image.pixels != nullptr; }
    void set_turns(double turns) override;

    ScanoutId scanout() const { return m_scanout; }

private:
    struct Buffer {
        PhysAddr phys;
        void* virt {nullptr};
        uint32_t bytes {0};
    };

    VirglDisplay(GpuDevice& device, ScanoutId scanout, DisplayMode mode, Surface canvas,
        PhysAddr canvas_phys, Buffer commands, Buffer small);

    Expected<void> setup_pipeline();
    Expected<void> create_resource(
        ResourceId id, const Resource3dDesc& desc, const Buffer* backing);
    Expected<void> create_ring_texture(int32_t width, int32_t height);
    Expected<void> submit_now();
    Expected<void> queue_uploads(const Damage& damage);
    Rect encode_composition(const Damage& damage);
    Expected<void> queue_stream_and_flush(Rect flushed);
    Expected<void> check_probe();
    Expected<void> read_probe_now();
    void encode_probe();
    void encode_ring();
    Expected<void> fail(const char* what);

    GpuDevice& m_device;
    ScanoutId m_scanout;
    DisplayMode m_mode;
    ContextId m_context {1};
    Surface m_canvas; // the back buffer: what the canvas texture is uploaded from
    PhysAddr m_canvas_phys;
    Buffer m_commands; // the command stream of one SUBMIT_3D
    Buffer m_small; // the quad's vertices, then the probe's read-back pixels
    virgl::CommandBuffer m_stream;

    // The rotating layer: its picture, where it goes and how far it has turned.
    Surface m_image {};
    PhysAddr m_image_phys;
    Rect m_image_area {};
    int32_t m_centre_x {0}, m_centre_y {0};
    double m_turns {0.0};
    bool m_image_dirty {false}; // to upload at the next present
    bool m_layer_changed {false}; // turned or uploaded since the last present
    bool m_layer_created {false};

    uint64_t m_frame {0};
    uint64_t m_fence {0};
    uint32_t m_probe_sequence {0};
    bool m_probe_pending {false};
    VirglDebug m_debug {};
};

} // namespace rota::gpu
