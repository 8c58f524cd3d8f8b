#pragma once

#include "core/lib/expected.h"
#include "core/pci/pci_function.h"
#include "virtio/transport/mmio_transport.h"

// A virtio device on PCI, opened for a driver: its modern (virtio 1.x)
// structures located from the vendor capabilities, memory decode and bus
// mastering enabled, its registers reachable. A legacy-only device (no
// capabilities: QEMU's disable-modern=on) is refused with a logged reason.

namespace rota::virtio {

class VirtioPciDevice {
public:
    // Logs "[virtio] BB:DD.F <what>" for every refusal.
    static Expected<VirtioPciDevice*> open(const PciFunction& function);

    PciTransport& transport() { return m_mmio.transport(); }
    const PciFunction& function() const { return m_function; }
    // "BB:DD.F", for log lines.
    const char* name() const { return m_name; }

private:
    VirtioPciDevice(const PciFunction& function, const VirtioPciLayout& layout);

    const PciFunction& m_function;
    MmioPciTransport m_mmio;
    char m_name[16] {};
};

} // namespace rota::virtio
