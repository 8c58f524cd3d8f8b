#include "virtio/gpu/virgl/capset.h"

#include <cstring>

namespace rota::gpu::virgl {

namespace {

// Byte offsets in struct virgl_caps_v1 / virgl_caps_v2 (virgl_hw.h).
constexpr size_t v1_size = 308;
constexpr size_t at_max_version = 0;
constexpr size_t at_sampler = 4;
constexpr size_t at_render = 68;
constexpr size_t at_glsl_level = 264;
constexpr size_t at_max_render_targets = 280;
constexpr size_t at_max_texture_2d_size = 484; // v2
constexpr size_t at_renderer = 696; // v2: char renderer[64]
constexpr size_t renderer_length = 64;
constexpr uint32_t largest_capset = 64 * 1024;

uint32_t read32(std::span<const uint8_t> bytes, size_t offset)
{
    uint32_t value;
    memcpy(&value, bytes.data() + offset, sizeof value);
    return value;
}

FormatMask read_mask(std::span<const uint8_t> bytes, size_t offset)
{
    FormatMask mask;
    memcpy(mask.bits, bytes.data() + offset, sizeof mask.bits);
    return mask;
}

} // namespace

Expected<VirglCaps> parse_virgl_caps(uint32_t capset_id, std::span<const uint8_t> bytes)
{
    if (capset_id != capset_virgl && capset_id != capset_virgl2)
        return make_error(Error::Unsupported);
    if (bytes.size() < v1_size)
        return make_error(Error::Corrupt);
    VirglCaps caps {};
    caps.capset_id = capset_id;
    caps.version = read32(bytes, at_max_version);
    if (caps.version == 0)
        return make_error(Error::Corrupt);
    caps.sampler = read_mask(bytes, at_sampler);
    caps.render = read_mask(bytes, at_render);
    caps.glsl_level = read32(bytes, at_glsl_level);
    caps.max_render_targets = read32(bytes, at_max_render_targets);
    // The v2 fields only when the host says it filled them and sent them.
    if (capset_id == capset_virgl2 && caps.version >= 2) {
        if (bytes.size() >= at_max_texture_2d_size + 4)
            caps.max_texture_2d_size = read32(bytes, at_max_texture_2d_size);
        if (bytes.size() >= at_renderer + renderer_length) {
            // The host's text: printable ASCII up to the first NUL, else '?'.
            for (size_t i = 0; i < renderer_length; ++i) {
                char c = static_cast<char>(bytes[at_renderer + i]);
                if (c == '\0')
                    break;
                caps.renderer[i] = c >= 0x20 && c < 0x7f ? c : '?';
            }
        }
    }
    return caps;
}

std::optional<CapsetOffer> choose_virgl_capset(std::span<const CapsetOffer> offers)
{
    std::optional<CapsetOffer> best;
    for (const CapsetOffer& offer : offers) {
        if (offer.id != capset_virgl && offer.id != capset_virgl2)
            continue;
        if (offer.max_size < v1_size || offer.max_size > largest_capset || offer.max_version == 0)
            continue;
        if (!best.has_value() || offer.id > best->id)
            best = offer;
    }
    return best;
}

const char* virgl_unusable_reason(const VirglCaps& caps, DisplayMode mode)
{
    if (!caps.render.has(Format::B8G8R8X8Unorm))
        return "host cannot render to B8G8R8X8";
    if (!caps.sampler.has(Format::B8G8R8X8Unorm) || !caps.sampler.has(Format::B8G8R8A8Unorm))
        return "host cannot sample B8G8R8X8 and B8G8R8A8 textures";
    if (caps.max_render_targets == 0)
        return "host offers no render target";
    if (caps.max_texture_2d_size != 0
        && (mode.width > caps.max_texture_2d_size || mode.height > caps.max_texture_2d_size))
        return "mode is larger than the host's largest texture";
    return nullptr;
}

} // namespace rota::gpu::virgl
