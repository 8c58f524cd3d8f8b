#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/display/display_mode.h"

// The one thing rota needs from an EDID (VESA E-EDID 1.4): the display's
// preferred mode, which is the first detailed timing descriptor. Used for the
// GOP (EFI_EDID_ACTIVE_PROTOCOL) and for virtio-gpu's GET_EDID.

namespace rota {

// nullopt when the block is short, its header or checksum is wrong, or the
// first descriptor is not a timing.
std::optional<DisplayMode> edid_preferred_mode(std::span<const uint8_t> edid);

} // namespace rota
