#pragma once

#include <optional>

#include "gfx/display/display.h"
#include "virtio/gpu/gpu_device.h"

// virtio-gpu as a display: one 2D resource (B8G8R8X8, rota's pixel layout) at
// the chosen mode, backed by one physically contiguous, tightly packed buffer
// (pitch = width × 4, as QEMU's transfer requires), shown on one scanout.
//
// Each present queues one TRANSFER_TO_HOST_2D per damaged rectangle and one
// fenced RESOURCE_FLUSH of their bounding box, with one doorbell write, and
// returns without waiting. Buffering (BufferMode):
//  - Direct (the default): frames are drawn straight into the backing;
//    begin_frame() reaps the previous frame's commands first. The device has
//    almost always finished by then (0.03-0.06 polls without progress per
//    frame measured under TCG), so the renderer does not wait in practice and
//    no pixel is copied twice.
//  - Copy (debug=gpu-copy): frames are drawn into a private back buffer and
//    present() copies the damage into the backing once the device has read
//    the previous frame. The renderer can never wait, but every damaged pixel
//    is copied once more: for the turning wheel 1.27 MB a frame, 0.9 ms under
//    TCG, which halved the frame rate when we measured it.

namespace rota::gpu {

enum class BufferMode { Copy, Direct };

// Faults injected on purpose (debug= keys), to exercise the error paths: each
// sends a transfer for a resource that does not exist, which the device
// answers with ERR_INVALID_RESOURCE_ID.
struct GpuFaults {
    bool at_frame_30 {false}; // debug=gpu-fault: the running display fails over
    bool in_setup {false}; // debug=gpu-fault-setup: setup fails after SET_SCANOUT
};

class GpuDisplay final : public Display {
public:
    // On failure the device may already show the new scanout: the caller
    // resets it (GpuDevice::shut_down) before using another display.
    static Expected<GpuDisplay*> create(GpuDevice& device, std::optional<DisplayMode> wanted,
        BufferMode mode, GpuFaults faults = {});

    const char* backend_name() const override { return "virtio-gpu"; }
    DisplayMode mode() const override { return m_mode; }
    Surface back_buffer() override { return m_mode_kind == BufferMode::Copy ? m_back : m_backing; }
    Expected<void> begin_frame() override;
    Expected<void> present(const Damage& damage) override;
    virtio::QueueCounters take_counters() override { return m_device.take_counters(); }
    void abandon() override { m_device.shut_down(); }

    ScanoutId scanout() const { return m_scanout; }

private:
    GpuDisplay(GpuDevice& device, ScanoutId scanout, DisplayMode mode, BufferMode buffer_mode,
        Surface backing, PhysAddr backing_phys, Surface back);

    GpuDevice& m_device;
    ScanoutId m_scanout;
    ResourceId m_resource {1};
    DisplayMode m_mode;
    BufferMode m_mode_kind;
    Surface m_backing; // what the device reads
    PhysAddr m_backing_phys;
    Surface m_back; // what frames are drawn into (Copy mode)
    uint64_t m_fence {0};
    GpuFaults m_faults {};
};

} // namespace rota::gpu
