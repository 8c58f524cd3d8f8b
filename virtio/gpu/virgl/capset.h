#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/display/display_mode.h"
#include "core/lib/expected.h"
#include "virtio/gpu/virgl/virgl_protocol.h"

// The virgl capability sets (GET_CAPSET, virtio 1.2, 5.7.6.8): what the host
// renderer can do, as virglrenderer's struct virgl_caps_v1 (capset VIRGL, id
// 1) and struct virgl_caps_v2 (capset VIRGL2, id 2) lay it out
// (virgl_hw.h; offsets in docs/virgl.md). The bytes come from the device:
// untrusted. parse_virgl_caps() reads only what the length covers and is the
// entry point a fuzzer calls.

namespace rota::gpu::virgl {

inline constexpr uint32_t capset_virgl = 1;
inline constexpr uint32_t capset_virgl2 = 2;

struct FormatMask {
    uint32_t bits[16];
    bool has(Format format) const
    {
        uint32_t f = uint32_t(format);
        return f < 512 && (bits[f / 32] >> (f % 32) & 1) != 0;
    }
};

struct VirglCaps {
    uint32_t capset_id;
    uint32_t version; // the caps' own max_version field
    FormatMask sampler;
    FormatMask render;
    uint32_t glsl_level;
    uint32_t max_render_targets;
    uint32_t max_texture_2d_size; // 0: not reported (capset VIRGL)
    char renderer[65]; // "" when not reported
};

// Error::Corrupt for a capset shorter than struct virgl_caps_v1 (308 bytes) or
// with a version field of 0, Error::Unsupported for a capset id that is not
// VIRGL or VIRGL2.
Expected<VirglCaps> parse_virgl_caps(uint32_t capset_id, std::span<const uint8_t> bytes);

struct CapsetOffer {
    uint32_t id;
    uint32_t max_version;
    uint32_t max_size;
};

// The capset to ask for: VIRGL2 when offered, else VIRGL; nullopt when
// neither is (or its size is too small to hold the v1 caps, or absurd).
std::optional<CapsetOffer> choose_virgl_capset(std::span<const CapsetOffer> offers);

// Why rota cannot draw with these caps at `mode` (nullptr: it can): the
// formats it renders and samples in, and the texture size. (The vertex
// buffer mask is not a list of every vertex format: virglrenderer sets only
// formats a guest could not assume, so R32G32_FLOAT is not checked there.)
const char* virgl_unusable_reason(const VirglCaps& caps, DisplayMode mode);

} // namespace rota::gpu::virgl
