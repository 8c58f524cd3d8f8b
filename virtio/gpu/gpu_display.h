#pragma once

#include <optional>

#include "gfx/display.h"
#include "virtio/gpu/gpu_device.h"

// virtio-gpu as a display: one 2D resource (B8G8R8X8, rota's pixel layout) at
// the chosen mode, backed by one physically contiguous, tightly packed buffer
// (pitch = width × 4, as QEMU's transfer requires), shown on one scanout.
//
// Buffering (BufferMode):
//  - Copy (the default): frames are drawn into a private back buffer. present()
//    first reaps the previous frame's commands (by then long finished: the
//    device works while the next frame is drawn), copies the damaged rectangles
//    into the backing, then queues one TRANSFER_TO_HOST_2D per rectangle and
//    one fenced RESOURCE_FLUSH of their bounding box, with one doorbell write.
//  - Direct: frames are drawn straight into the backing, so begin_frame() must
//    wait for the device to finish the previous transfers before drawing.
// The note on issue 5 compares the two.

namespace rota::gpu {

enum class BufferMode { Copy, Direct };

class GpuDisplay final : public Display {
public:
    static Expected<GpuDisplay*> create(GpuDevice& device, std::optional<DisplayMode> wanted, BufferMode mode);

    const char* backend_name() const override { return "virtio-gpu"; }
    DisplayMode mode() const override { return m_mode; }
    Surface back_buffer() override { return m_mode_kind == BufferMode::Copy ? m_back : m_backing; }
    Expected<void> begin_frame() override;
    Expected<void> present(const Damage& damage) override;
    PresentCounters take_counters() override;

    ScanoutId scanout() const { return m_scanout; }

private:
    GpuDisplay(GpuDevice& device, ScanoutId scanout, DisplayMode mode, BufferMode buffer_mode, Surface backing,
        PhysAddr backing_phys, Surface back);

    GpuDevice& m_device;
    ScanoutId m_scanout;
    ResourceId m_resource { 1 };
    DisplayMode m_mode;
    BufferMode m_mode_kind;
    Surface m_backing; // what the device reads
    PhysAddr m_backing_phys;
    Surface m_back; // what frames are drawn into (Copy mode)
    uint64_t m_fence { 0 };
    uint64_t m_commands_reported { 0 };
};

} // namespace rota::gpu
