#include <cstring>

#include "fuzz_target.h"
#include "support/fuzz_input.h"
#include "virtio/gpu/commands.h"

// A GET_DISPLAY_INFO answer (virtio 1.2, 5.7.6.8) as the display uses it
// (gfx/display/virtio_gpu_display.cpp): checked, then a scanout and its mode
// chosen, with or without a mode the user (or the EDID) asked for.
//
// Input: flags (bit 0: a mode is wanted), wanted width and height (4 bytes
// each), the length the device claims (4), then the answer.
ROTA_FUZZ_TARGET(gpu_display_info)
{
    using namespace rota::gpu;
    rota::fuzz::FuzzInput input(data);
    uint8_t flags = input.take<uint8_t>();
    std::optional<rota::DisplayMode> wanted;
    uint32_t wanted_width = input.take<uint32_t>();
    uint32_t wanted_height = input.take<uint32_t>();
    if (flags & 1)
        wanted = rota::DisplayMode {wanted_width, wanted_height};
    size_t written = input.take<uint32_t>();
    auto response = input.take_bytes(sizeof(ResponseDisplayInfo));

    if (check_response(response, written, CommandType::OkDisplayInfo, sizeof(ResponseDisplayInfo))
            .is_error())
        return;
    // The driver's response buffer is the whole struct; the device may have
    // written less than the fuzzer gave, and the rest is what was there (zeros).
    ResponseDisplayInfo info {};
    std::memcpy(&info, response.data(), response.size());
    auto choice = choose_scanout(info, wanted);
    if (!choice.has_value()) {
        FUZZ_CHECK(!wanted.has_value());
        for (const auto& mode : info.pmodes)
            FUZZ_CHECK(mode.enabled == 0 || mode.r.width < 16 || mode.r.height < 16);
        return;
    }
    FUZZ_CHECK(choice->scanout.value < max_scanouts);
    if (wanted.has_value()) {
        FUZZ_CHECK(choice->mode.width == wanted->width && choice->mode.height == wanted->height);
        return;
    }
    const auto& mode = info.pmodes[choice->scanout.value];
    FUZZ_CHECK(mode.enabled != 0);
    FUZZ_CHECK(choice->mode.width == mode.r.width && choice->mode.height == mode.r.height);
    FUZZ_CHECK(choice->mode.width >= 16 && choice->mode.height >= 16);
}
