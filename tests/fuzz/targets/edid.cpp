#include "core/display/edid.h"
#include "fuzz_target.h"

// An EDID block (VESA E-EDID 1.4) from the GOP's EFI_EDID_ACTIVE_PROTOCOL or
// virtio-gpu's GET_EDID answer, of any length.
ROTA_FUZZ_TARGET(edid)
{
    auto mode = rota::edid_preferred_mode(data);
    if (!mode.has_value())
        return;
    FUZZ_CHECK(data.size() >= 128);
    // 12 bits per side in a detailed timing descriptor (section 3.10.2).
    FUZZ_CHECK(mode->width >= 1 && mode->width <= 4095);
    FUZZ_CHECK(mode->height >= 1 && mode->height <= 4095);
}
