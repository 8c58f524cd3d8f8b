#pragma once

#include <vector>

#include "pci_fake_config_space.h" // tests/host: the host tests' fake, shared
#include "support/fuzz_input.h"

// A PCI function's configuration space from a fuzz input, for the PCI and
// virtio capability fuzzers:
//
//   BAR write masks (6 x 4 bytes), then up to 256 bytes of configuration space
//
// The masks are the BAR bits that take a write (PCI Local Bus 3.0, 6.2.5.1),
// so BAR sizing reads back whatever size the fuzzer chose; the space past the
// input reads as zeros. tests/fuzz/make_seeds.py writes the captured fixtures
// in this form.

namespace rota::fuzz {

inline constexpr Bdf fuzzed_function {0, 0, 3, 0};

inline void add_fuzzed_function(pci_test::FakeConfigSpace& config, FuzzInput& input, Bdf bdf)
{
    uint32_t masks[6];
    for (uint32_t& mask : masks)
        mask = input.take<uint32_t>();
    auto bytes = input.take_bytes(256);
    config.add_function(bdf, std::vector<uint8_t>(bytes.begin(), bytes.end()));
    for (unsigned i = 0; i < 6; ++i)
        config.set_bar_wmask(bdf, i, masks[i]);
}

} // namespace rota::fuzz
