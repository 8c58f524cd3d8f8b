#pragma once

#include <utility>

#include "core/lib/expected.h"
#include "virtio/transport/pci_transport.h"

// Device-specific configuration that spans more than one 32-bit access (a
// 64-bit capacity, several fields read together) is only consistent if
// config_generation did not change while it was read (virtio 1.2, 2.5.1 and
// 4.1.4.3): read it, re-read the generation, and retry on a change. Bounded:
// a device whose configuration never settles gets Error::Busy.

namespace rota::virtio {

inline constexpr int max_config_read_attempts = 8;

template<class Read>
auto read_config_stable(PciTransport& transport, Read&& read) -> Expected<decltype(read())>
{
    for (int attempt = 0; attempt < max_config_read_attempts; ++attempt) {
        uint8_t before = transport.config_generation();
        auto value = read();
        uint8_t after = transport.config_generation();
        if (before == after)
            return value;
    }
    return make_error(Error::Busy);
}

} // namespace rota::virtio
