#include <vector>

#include "fuzz_target.h"
#include "support/fuzz_input.h"
#include "virtio/gpu/virgl/capset.h"

// The virgl capability sets a virtio-gpu device offers (GET_CAPSET_INFO) and
// returns (GET_CAPSET, virtio 1.2, 5.7.6.8), as the virgl display uses them
// (gfx/display/virgl_setup.cpp): the offer chosen, the caps parsed, and the
// verdict on whether rota can draw with them at a mode.
//
// Input: offers (n % 5 of them, n: 1 byte; each id, max_version, max_size, 4
// bytes each), the capset id asked for (4), a mode (2 bytes per side), then
// the capset's bytes.
ROTA_FUZZ_TARGET(virgl_capset)
{
    using namespace rota::gpu::virgl;
    rota::fuzz::FuzzInput input(data);
    std::vector<CapsetOffer> offers(input.take<uint8_t>() % 5);
    for (CapsetOffer& offer : offers)
        offer = {input.take<uint32_t>(), input.take<uint32_t>(), input.take<uint32_t>()};
    uint32_t capset_id = input.take<uint32_t>();
    rota::DisplayMode mode {input.take<uint16_t>(), input.take<uint16_t>()};
    auto bytes = input.rest();

    auto chosen = choose_virgl_capset(offers);
    if (chosen.has_value()) {
        FUZZ_CHECK(chosen->id == capset_virgl || chosen->id == capset_virgl2);
        FUZZ_CHECK(chosen->max_version != 0 && chosen->max_size >= 308);
        FUZZ_CHECK(chosen->max_size <= 64 * 1024); // GET_CAPSET's answer is allocated from it
        bool offered = false;
        for (const CapsetOffer& offer : offers)
            offered |= offer.id == chosen->id && offer.max_size == chosen->max_size
                && offer.max_version == chosen->max_version;
        FUZZ_CHECK(offered);
    }

    auto caps = parse_virgl_caps(capset_id, bytes);
    if (caps.is_error())
        return;
    FUZZ_CHECK(capset_id == capset_virgl || capset_id == capset_virgl2);
    FUZZ_CHECK(bytes.size() >= 308 && caps->version != 0);
    if (capset_id == capset_virgl)
        FUZZ_CHECK(caps->max_texture_2d_size == 0 && caps->renderer[0] == '\0');
    // The renderer's name goes into the log: terminated and printable.
    FUZZ_CHECK(caps->renderer[sizeof caps->renderer - 1] == '\0');
    for (char c : caps->renderer) {
        if (c == '\0')
            break;
        FUZZ_CHECK(c >= 0x20 && c < 0x7f);
    }
    const char* reason = virgl_unusable_reason(caps.value(), mode);
    if (reason == nullptr)
        FUZZ_CHECK(caps->max_render_targets != 0);
}
