#pragma once

#include <cstdint>

#include "core/lib/addr.h"
#include "virtio/queue/notifier.h"
#include "virtio/transport/common_config.h"
#include "virtio/transport/device_interrupts.h"
#include "virtio/transport/pci_capability.h"
#include "virtio/transport/register_space.h"

// The modern virtio-pci transport (virtio 1.2, 4.1): register-level access to
// one device's common configuration, notification, ISR and device-specific
// structures. It holds no policy: DeviceInit (virtio/device/device_init.h) drives the
// initialisation sequence through it, drivers read their configuration through
// it, and virtqueues ring their doorbells through it.

namespace rota::virtio {

class PciTransport final : public Notifier {
public:
    // The spaces are the structures the layout describes: `isr` and `device`
    // may be null when the layout has no such region.
    PciTransport(const VirtioPciLayout& layout, RegisterSpace& common, RegisterSpace& notify,
        RegisterSpace* isr, RegisterSpace* device);

    const VirtioPciLayout& layout() const { return m_layout; }

    // How the device's notifications reach rota (device_interrupts.h); null
    // (the default): nowhere, the device is polled.
    void set_interrupts(DeviceInterrupts* interrupts) { m_interrupts = interrupts; }
    DeviceInterrupts* interrupts() const { return m_interrupts; }
    RegisterSpace& common() { return *m_common; }

    uint8_t status();
    void set_status(uint8_t status);

    // 4.1.4.3: feature bits 0-31 and 32-63 through the select registers.
    uint64_t device_features();
    void set_driver_features(uint64_t features);

    uint16_t num_queues();
    // Selects `index` (queue_select); the queue_* calls below act on it.
    void select_queue(uint16_t index);
    uint16_t queue_size();
    void set_queue_size(uint16_t size);
    uint16_t queue_enable();
    uint16_t queue_notify_off();
    // queue_desc, queue_driver, queue_device: each low half, then high half.
    void set_queue_addresses(PhysAddr descriptor_area, PhysAddr driver_area, PhysAddr device_area);
    // 4.1.5.1.2: the MSI-X table entry for the selected queue's used buffer
    // notifications, or common_cfg::no_msix_vector. The device answers a read
    // with what it accepted: no_msix_vector when it could not map the entry.
    void set_queue_msix_vector(uint16_t vector);
    uint16_t queue_msix_vector();
    void enable_queue();
    // The same for configuration change notifications.
    void set_config_msix_vector(uint16_t vector);
    uint16_t config_msix_vector();

    // 4.1.5.2: the queue's index, written to its notification address.
    void notify(const Doorbell& doorbell) override;

    // 4.1.4.5: reading clears it. 0 when the device has no ISR structure.
    uint8_t read_isr();

    // Device-specific configuration (4.1.4.6), bounds-checked against the
    // structure's length (our own invariant: drivers check
    // device_config_length() once against the fields they need). Multi-field
    // reads go through read_config_stable() (virtio/transport/config_read.h).
    uint32_t device_config_length() const { return m_layout.device.length; }
    uint8_t config_generation();
    uint8_t read_config8(uint32_t offset);
    uint16_t read_config16(uint32_t offset);
    uint32_t read_config32(uint32_t offset);
    // A 64-bit field as two 32-bit reads, low first (4.1.3.1).
    uint64_t read_config64(uint32_t offset);
    void write_config8(uint32_t offset, uint8_t value);
    void write_config16(uint32_t offset, uint16_t value);
    void write_config32(uint32_t offset, uint32_t value);

private:
    void write64(const SplitRegister64& reg, uint64_t value);
    void check_config_access(uint32_t offset, uint32_t width) const;

    VirtioPciLayout m_layout;
    RegisterSpace* m_common;
    RegisterSpace* m_notify;
    RegisterSpace* m_isr;
    RegisterSpace* m_device;
    DeviceInterrupts* m_interrupts {nullptr};
};

} // namespace rota::virtio
