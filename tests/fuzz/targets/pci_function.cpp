#include "core/pci/config_registers.h"
#include "core/pci/enumerate.h"
#include "fuzz_target.h"
#include "support/fuzz_config_space.h"

// One PCI function as enumeration reads it (core/pci/enumerate.cpp): the
// header, BAR sizing and the capability walk (PCI Local Bus 3.0, 6.7) over a
// fuzzed configuration space. Whatever the device holds, the walk stays in
// the space, reports only well-placed capabilities, and leaves the function
// as it found it.
//
// Input: flags (bit 0: a 4096-byte ECAM space, else 256), then the function
// as support/fuzz_config_space.h reads it.
ROTA_FUZZ_TARGET(pci_function)
{
    using namespace rota;
    fuzz::FuzzInput input(data);
    bool ecam = (input.take<uint8_t>() & 1) != 0;
    pci_test::FakeConfigSpace config(ecam ? 4096 : 256);
    fuzz::add_fuzzed_function(config, input, fuzz::fuzzed_function);
    std::vector<uint8_t> before = config.bytes(fuzz::fuzzed_function);

    PciFunction fn;
    read_function(config, fuzz::fuzzed_function, fn);
    // BAR sizing writes all ones and puts back what was there (6.2.5.1).
    FUZZ_CHECK(config.bytes(fuzz::fuzzed_function) == before);

    for (unsigned i = 0; i < fn.bar_count; ++i) {
        const Bar& bar = fn.bars[i];
        if (bar.present())
            FUZZ_CHECK(bar.size != 0 && (bar.size & (bar.size - 1)) == 0);
    }
    const CapabilityList& caps = fn.capabilities;
    FUZZ_CHECK(caps.count <= pci::max_capabilities);
    for (uint8_t i = 0; i < caps.count; ++i) {
        uint8_t offset = caps.entries[i].offset;
        FUZZ_CHECK(offset >= pci::header_end && offset % 4 == 0);
        for (uint8_t j = 0; j < i; ++j)
            FUZZ_CHECK(caps.entries[j].offset != offset); // a loop is cut, never followed
    }
    FUZZ_CHECK(caps.vendor_count <= CapabilityList::max_vendor);
    for (uint8_t i = 0; i < caps.vendor_count; ++i) {
        const VendorCapability& v = caps.vendor[i];
        FUZZ_CHECK(v.captured <= VendorCapability::max_bytes && v.captured <= v.length);
        FUZZ_CHECK(size_t(v.offset) + v.captured <= pci::legacy_space_size);
        for (uint8_t b = 0; b < v.captured; ++b)
            FUZZ_CHECK(v.bytes[b] == before[v.offset + b]);
    }
    if (caps.msix.has_value())
        FUZZ_CHECK(caps.msix->table_size >= 1 && caps.msix->table_size <= 2048);
}
