#include "core/pci/capability.h"
#include "core/pci/config_registers.h"
#include "fuzz_target.h"
#include "support/fuzz_config_space.h"
#include "support/fuzz_input.h"
#include "virtio/transport/pci_capability.h"

// A virtio device's PCI capabilities (virtio 1.2, 4.1.4) as the transport
// finds them: the PCI walk hands the vendor-specific capabilities' bytes over,
// as virtio/transport/virtio_pci_device.cpp does, with BARs wherever the
// firmware put them. Every region the layout names lies inside a memory BAR.
//
// Input: six BARs (address 8 bytes, size 8 bytes, kind 1 byte), then the
// function as support/fuzz_config_space.h reads it.
ROTA_FUZZ_TARGET(virtio_pci_caps)
{
    using namespace rota;
    using namespace rota::virtio;
    fuzz::FuzzInput input(data);
    VirtioPciResources resources {};
    for (BarWindow& bar : resources.bars) {
        bar.address = input.take<uint64_t>();
        bar.size = input.take<uint64_t>();
        bar.memory = (input.take<uint8_t>() & 1) == 0;
    }
    pci_test::FakeConfigSpace config(256);
    fuzz::add_fuzzed_function(config, input, fuzz::fuzzed_function);
    CapabilityList caps;
    // A walk cut short still hands over what it found, as enumeration does.
    (void)walk_capabilities(config, fuzz::fuzzed_function, pci::capabilities_pointer.offset, caps);
    RawCapability raw[CapabilityList::max_vendor];
    for (uint8_t i = 0; i < caps.vendor_count; ++i)
        raw[i] = {caps.vendor[i].offset,
            std::span<const uint8_t>(caps.vendor[i].bytes, caps.vendor[i].captured)};
    resources.capabilities = std::span<const RawCapability>(raw, caps.vendor_count);

    auto layout = parse_virtio_pci_capabilities(resources);
    if (layout.is_error()) {
        FUZZ_CHECK(layout.error() == Error::Unsupported || layout.error() == Error::Corrupt);
        return;
    }
    auto inside_a_bar = [&](const Region& region) {
        for (const BarWindow& bar : resources.bars) {
            if (bar.memory && bar.address != 0 && region.address.get() >= bar.address
                && region.address.get() - bar.address <= bar.size
                && region.length <= bar.size - (region.address.get() - bar.address))
                return true;
        }
        return false;
    };
    FUZZ_CHECK(layout->common.length >= min_common_length && inside_a_bar(layout->common));
    FUZZ_CHECK(layout->notify.length >= min_notify_length && inside_a_bar(layout->notify));
    if (layout->isr.present())
        FUZZ_CHECK(inside_a_bar(layout->isr));
    if (layout->device.present())
        FUZZ_CHECK(inside_a_bar(layout->device));
    uint32_t multiplier = layout->notify_off_multiplier;
    FUZZ_CHECK((multiplier & (multiplier - 1)) == 0);
}
