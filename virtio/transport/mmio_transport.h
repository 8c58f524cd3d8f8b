#pragma once

#include "core/cpu/mmio_space.h"
#include "virtio/transport/pci_capability.h"
#include "virtio/transport/pci_transport.h"
#include "virtio/transport/register_space.h"

// A PciTransport over the real structures: one MmioSpace at each region's
// physical address (rota is identity mapped; the PCI layer enabled memory
// decoding and read the BARs). It refers to its own members, so it stays where
// it was built: allocate it (new, or a static) and keep it as long as the
// device is in use.

namespace rota::virtio {

class MmioPciTransport {
public:
    explicit MmioPciTransport(const VirtioPciLayout& layout);
    MmioPciTransport(const MmioPciTransport&) = delete;
    MmioPciTransport& operator=(const MmioPciTransport&) = delete;

    PciTransport& transport() { return m_transport; }

private:
    RegisterSpaceOver<MmioSpace> m_common;
    RegisterSpaceOver<MmioSpace> m_notify;
    RegisterSpaceOver<MmioSpace> m_isr;
    RegisterSpaceOver<MmioSpace> m_device;
    PciTransport m_transport;
};

} // namespace rota::virtio
