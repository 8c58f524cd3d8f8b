#pragma once

#include <cstdint>

#include "core/display/rect.h"
#include "core/lib/string_view.h"
#include "virtio/gpu/protocol.h"
#include "virtio/gpu/virgl/virgl_protocol.h"

// The virtio-gpu 3D commands (virtio 1.2, 5.7.6.10, VIRTIO_GPU_F_VIRGL): a
// rendering context, 3D resources attached to it, transfers between guest
// backing and host resources, and command-stream submission. Wire structs as
// in the spec's C layout, static_asserted; pure builders for host tests.

namespace rota::gpu {

// A rendering context on the host (never 0: 0 is the device's own).
struct ContextId {
    uint32_t value;
    constexpr bool operator==(const ContextId&) const = default;
};

struct CtxCreate {
    ControlHeader header;
    uint32_t nlen;
    uint32_t context_init; // 0: a virgl context (capset-specific otherwise)
    char debug_name[64];
};
static_assert(sizeof(CtxCreate) == 96);

struct CtxResource {
    ControlHeader header;
    uint32_t resource_id;
    uint32_t padding;
};
static_assert(sizeof(CtxResource) == 32);

struct ResourceCreate3d {
    ControlHeader header;
    uint32_t resource_id;
    uint32_t target;
    uint32_t format;
    uint32_t bind;
    uint32_t width;
    uint32_t height;
    uint32_t depth;
    uint32_t array_size;
    uint32_t last_level;
    uint32_t nr_samples;
    uint32_t flags;
    uint32_t padding;
};
static_assert(sizeof(ResourceCreate3d) == 72);

struct Box {
    uint32_t x, y, z, w, h, d;
};
static_assert(sizeof(Box) == 24);

// TRANSFER_TO_HOST_3D and TRANSFER_FROM_HOST_3D.
struct Transfer3d {
    ControlHeader header;
    Box box;
    uint64_t offset; // byte offset of the box's first texel in the backing
    uint32_t resource_id;
    uint32_t level;
    uint32_t stride; // backing bytes per row
    uint32_t layer_stride;
};
static_assert(sizeof(Transfer3d) == 72);

// Followed on the wire by `size` bytes of virgl command stream.
struct Submit3d {
    ControlHeader header;
    uint32_t size;
    uint32_t padding;
};
static_assert(sizeof(Submit3d) == 32);

// What a 3D resource is: a 2D texture of `width` × `height`, or a buffer of
// `width` bytes (height 1).
struct Resource3dDesc {
    virgl::Target target;
    virgl::Format format;
    uint32_t bind;
    uint32_t width;
    uint32_t height;
    uint32_t flags;
};

CtxCreate make_ctx_create(ContextId context, StringView debug_name);
CtxResource make_ctx_attach_resource(ContextId context, ResourceId resource);
ResourceCreate3d make_resource_create_3d(ResourceId resource, const Resource3dDesc& desc);
// A rectangle of a 2D resource (or bytes [x, x + width) of a buffer) whose
// backing is tightly packed rows of `stride` bytes starting at offset 0.
Transfer3d make_transfer_3d(
    CommandType type, ContextId context, ResourceId resource, Rect rect, uint32_t stride);
Submit3d make_submit_3d(ContextId context, uint32_t bytes);

} // namespace rota::gpu
