#pragma once

#include <cstdint>

#include "core/sync/wake_signal.h"
#include "virtio/transport/common_config.h"

// How a virtio-pci device's notifications reach rota, as the device tier
// (virtio/device/) needs to know it. MSI-X vector configuration is part of the
// PCI transport (virtio 1.2, 4.1.5.1.2), so the transport carries it
// (PciTransport::set_interrupts): the kernel's VirtioIrq
// (virtio/transport/virtio_irq.h) binds MSI-X vectors or the INTx line, host
// tests attach a fake.
//
// Device initialisation writes queue_vector(q) into queue_msix_vector for each
// queue and config_vector() into msix_config (4.1.4.3), then reads them back:
// a device that could not map a vector answers NO_VECTOR (4.1.5.1.2), and that
// queue is then polled. Waits on a queue sleep on its signal; without one
// (irq=off, or refused) they poll.

namespace rota::virtio {

class DeviceInterrupts {
public:
    // The MSI-X table entry for queue `q`'s notifications, or no_msix_vector
    // (INTx, or no interrupts at all).
    virtual uint16_t queue_vector(uint16_t q) = 0;
    virtual uint16_t config_vector() = 0;
    // Where a wait on queue `q` sleeps; null: the wait polls.
    virtual WakeSignal* signal(uint16_t q) = 0;
    // The device did not accept queue_vector(q): from now on signal(q) is null.
    virtual void refused(uint16_t q) = 0;
    // The device did not accept config_vector(): configuration changes go
    // unnoticed, which rota can live with (it reads its configuration once).
    virtual void config_refused() = 0;

protected:
    ~DeviceInterrupts() = default;
};

} // namespace rota::virtio
