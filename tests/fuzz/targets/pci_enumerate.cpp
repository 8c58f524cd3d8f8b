#include <set>
#include <tuple>

#include "core/pci/enumerate.h"
#include "fuzz_target.h"
#include "pci_fake_config_space.h"
#include "support/fuzz_input.h"

// A whole PCI hierarchy (PCI Local Bus 3.0, 6.2.1; PCI-to-PCI Bridge 1.2,
// 3.2.5.3) as the firmware numbered it, bridges included: any functions at any
// addresses, with bus numbers that may loop or leave the root's range.
// Enumeration visits each bus once and lists each function once.
//
// Input: root bus range (2 bytes), then functions: bus, device/function,
// length (1 byte each) and that many bytes of configuration space.
ROTA_FUZZ_TARGET(pci_enumerate)
{
    using namespace rota;
    fuzz::FuzzInput input(data);
    BusRange root {0, input.take<uint8_t>(), input.take<uint8_t>()};
    pci_test::FakeConfigSpace config(256);
    while (input.remaining() >= 3) {
        uint8_t bus = input.take<uint8_t>();
        uint8_t devfn = input.take<uint8_t>();
        auto bytes = input.take_bytes(input.take<uint8_t>());
        Bdf bdf {0, bus, uint8_t(devfn >> 3), uint8_t(devfn & 7)};
        config.add_function(bdf, std::vector<uint8_t>(bytes.begin(), bytes.end()));
    }

    PciFunctionList list;
    EnumerationStats stats = enumerate_pci(config, std::span(&root, 1), list);
    FUZZ_CHECK(stats.buses <= 256);
    FUZZ_CHECK(list.size() <= PciFunctionList::capacity);
    FUZZ_CHECK(stats.functions == list.size() + list.dropped());
    std::set<std::tuple<uint8_t, uint8_t, uint8_t>> seen;
    for (const PciFunction& fn : list.functions()) {
        FUZZ_CHECK(fn.bdf.is_valid() && config.has(fn.bdf));
        FUZZ_CHECK(root.first <= fn.bdf.bus && fn.bdf.bus <= root.last);
        FUZZ_CHECK(seen.insert({fn.bdf.bus, fn.bdf.device, fn.bdf.function}).second);
    }
}
