#include "virtio/transport/virtio_pci_device.h"

#include "core/lib/format.h"
#include "core/log/log.h"
#include "core/pci/pci.h"

namespace rota::virtio {

Expected<VirtioPciDevice*> VirtioPciDevice::open(const PciFunction& fn)
{
    BdfText bdf = bdf_text(fn.bdf);
    RawCapability caps[CapabilityList::max_vendor];
    size_t count = 0;
    for (uint8_t i = 0; i < fn.capabilities.vendor_count; ++i) {
        const VendorCapability& v = fn.capabilities.vendor[i];
        caps[count++] = {v.offset, std::span<const uint8_t>(v.bytes, v.captured)};
    }
    VirtioPciResources resources {std::span(caps, count), {}};
    for (size_t i = 0; i < resources.bars.size() && i < max_bars; ++i)
        resources.bars[i] = {fn.bars[i].address, fn.bars[i].size, fn.bars[i].is_memory()};

    auto layout = parse_virtio_pci_capabilities(resources);
    if (layout.is_error()) {
        if (layout.error() == Error::Unsupported)
            klog("[virtio] %s %04x:%04x legacy-only virtio device refused: rota drives virtio 1.x "
                 "(modern) only",
                bdf.text, fn.vendor_id, fn.device_id);
        else
            klog("[virtio] %s %04x:%04x capabilities unusable (%s): device skipped", bdf.text,
                fn.vendor_id, fn.device_id, error_name(layout.error()));
        return make_error(layout.error());
    }
    if (auto enabled = pci_enable_device(fn); enabled.is_error()) {
        klog("[virtio] %s cannot enable memory decode and bus mastering (%s)", bdf.text,
            error_name(enabled.error()));
        return make_error(enabled.error());
    }
    return new VirtioPciDevice(fn, layout.value());
}

VirtioPciDevice::VirtioPciDevice(const PciFunction& function, const VirtioPciLayout& layout)
    : m_function(function)
    , m_mmio(layout)
{
    format(m_name, sizeof m_name, "%s", bdf_text(function.bdf).text);
}

} // namespace rota::virtio
