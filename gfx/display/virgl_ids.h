#pragma once

#include <cstddef>
#include <cstdint>

#include "virtio/gpu/protocol.h"
#include "virtio/gpu/virgl/encoder.h"

// What the virgl display names on the host (gfx/display/virgl_display.h):
// its resources in virtio-gpu's namespace, its objects in the context's, and
// the layout of its small buffers. Shared by its setup and its frame path.

namespace rota::gpu::virgl_ids {

inline constexpr ResourceId target_resource {1}; // what the scanout shows
inline constexpr ResourceId canvas_resource {2}; // the back buffer's copy on the host
inline constexpr ResourceId ring_resource {3}; // the rotating layer's picture
inline constexpr ResourceId vertex_resource {4}; // the layer's quad
inline constexpr ResourceId probe_resource {5}; // the health probe's target

inline constexpr virgl::Handle blend_handle {1};
inline constexpr virgl::Handle rasterizer_handle {2};
inline constexpr virgl::Handle dsa_handle {3};
inline constexpr virgl::Handle vertex_shader_handle {4};
inline constexpr virgl::Handle fragment_shader_handle {5};
inline constexpr virgl::Handle vertex_elements_handle {6};
inline constexpr virgl::Handle sampler_handle {7};
inline constexpr virgl::Handle ring_view_handle {8};
inline constexpr virgl::Handle target_surface_handle {9};
inline constexpr virgl::Handle probe_surface_handle {10};
inline constexpr virgl::Handle rejected_shader_handle {99};

inline constexpr size_t command_bytes = 16 * 1024;
inline constexpr uint32_t vertex_bytes = 4 * 4 * sizeof(float); // 4 corners: x, y, u, v
inline constexpr size_t probe_offset = 256; // in the small buffer, after the vertices
inline constexpr uint32_t probe_side = 4;
inline constexpr uint64_t probe_interval = 16; // frames

} // namespace rota::gpu::virgl_ids
