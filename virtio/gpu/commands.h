#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/display/display_mode.h"
#include "core/display/rect.h"
#include "core/lib/addr.h"
#include "core/lib/expected.h"
#include "virtio/gpu/protocol.h"

// Building virtio-gpu requests and checking responses (virtio 1.2, 5.7.6).
// Pure: the driver (virtio/gpu/gpu_device.h) puts these bytes on the control
// queue; host tests compare them byte for byte with the spec's layout.

namespace rota::gpu {

ControlHeader make_header(CommandType type);
ControlHeader make_fenced_header(CommandType type, uint64_t fence_id);

ResourceCreate2d make_resource_create_2d(
    ResourceId id, Format format, uint32_t width, uint32_t height);
AttachBackingOne make_attach_backing(ResourceId id, PhysAddr address, uint32_t length);
ResourceDetachBacking make_detach_backing(ResourceId id);
ResourceUnref make_resource_unref(ResourceId id);
SetScanout make_set_scanout(ScanoutId scanout, ResourceId id, Rect rect);
// `stride` is the backing's bytes per row (width × 4: tightly packed).
TransferToHost2d make_transfer_to_host_2d(ResourceId id, Rect rect, uint32_t stride);
ResourceFlush make_resource_flush(ResourceId id, Rect rect);
GetEdid make_get_edid(ScanoutId scanout);
GetCapsetInfo make_get_capset_info(uint32_t index);
GetCapset make_get_capset(uint32_t capset_id, uint32_t version);

// Checks a response the device wrote: at least a header long, of the type the
// command expects (OK_NODATA for most), and as long as that type's struct.
// Error::DeviceError otherwise; `type` (when given) receives what the device
// said, for the log.
Expected<void> check_response(std::span<const uint8_t> response, size_t written,
    CommandType expected, size_t expected_size, CommandType* type = nullptr);

// The transfers that bring `damage` from the backing to the host resource.
// QEMU 7.2 copies the whole image for a rectangle at (0, 0) spanning the full
// width, whatever its height (hw/display/virtio-gpu.c, transfer_to_host_2d):
// such a strip, unless it is the whole screen, is sent as two halves, which
// QEMU copies row by row. Returns how many were written to `out`.
size_t plan_transfers(std::span<const Rect> damage, uint32_t width, uint32_t height, ResourceId id,
    std::span<TransferToHost2d> out);

struct ScanoutChoice {
    ScanoutId scanout;
    DisplayMode mode;
};

// The scanout to use and its mode: the first enabled scanout at its preferred
// size, or `wanted` when given (within the protocol's limits). nullopt when no
// scanout is enabled and nothing is wanted.
std::optional<ScanoutChoice> choose_scanout(
    const ResponseDisplayInfo& info, std::optional<DisplayMode> wanted);

} // namespace rota::gpu
