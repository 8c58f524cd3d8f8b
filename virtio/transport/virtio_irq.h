#pragma once

#include <atomic>
#include <cstdint>
#include <optional>

#include "core/cpu/ioapic.h"
#include "core/pci/msix_vectors.h"
#include "core/pci/pci_function.h"
#include "core/sync/wake_event.h"
#include "virtio/transport/device_interrupts.h"
#include "virtio/transport/pci_transport.h"

// How one virtio-pci device interrupts rota, in the kernel:
//
//  - MSI-X where the function has it: table entry 0 for configuration changes,
//    entry 1 + q for queue q, each its own vector on the boot CPU, whose
//    handler signals that queue's WakeEvent;
//  - else INTx through the I/O APIC (core/cpu/ioapic.h): one handler for the
//    whole device that reads the ISR status register, which tells whether
//    the interrupt was this device's and de-asserts the line (virtio 1.2,
//    4.1.4.5), then signals every queue;
//  - else, or with irq=off, nothing: the device is polled.
//
// Made once per device, before its initialisation, and kept for good, as the
// VirtioPciDevice that owns it is. Logs one line:
//   [irq] 00:02.0 virtio-blk msix vectors=2 cpu=0
//   [irq] 00:02.0 virtio-blk intx pin=A gsi=10 trigger=level polarity=high cpu=0
//   [irq] 00:02.0 virtio-blk polled: irq=off

namespace rota::virtio {

class VirtioIrq final : public DeviceInterrupts {
public:
    static constexpr uint16_t max_queues = 2;

    enum class Kind : uint8_t { Polled, Msix, Intx };

    // `queues` the device's driver uses, `what` its name in the line.
    static VirtioIrq* create(const PciFunction& fn, PciTransport& transport, uint16_t queues,
        const char* what, bool enabled);

    uint16_t queue_vector(uint16_t q) override;
    uint16_t config_vector() override;
    WakeSignal* signal(uint16_t q) override;
    void refused(uint16_t q) override;
    void config_refused() override;

    Kind kind() const { return m_kind; }
    // Interrupts this device raised (its own, on a shared line).
    uint64_t interrupts() const { return m_interrupts.load(std::memory_order_relaxed); }
    const PciFunction& function() const { return m_fn; }
    const char* what() const { return m_what; }

private:
    VirtioIrq(const PciFunction& fn, PciTransport& transport, uint16_t queues, const char* what);
    // Each returns why it could not be used, or null once it is.
    const char* try_msix();
    const char* try_intx();
    void report_route(const char* why_polled) const;

    static void on_queue(void* context);
    static void on_config(void* context);
    static void on_intx(void* context);

    // One MSI-X entry's handler context.
    struct Entry {
        VirtioIrq* owner {nullptr};
        uint16_t queue {0};
    };

    const PciFunction& m_fn;
    PciTransport& m_transport;
    uint16_t m_queues;
    const char* m_what;
    Kind m_kind {Kind::Polled};
    uint32_t m_cpu {0}; // the CPU the vectors belong to
    GsiRoute m_route {}; // INTx only
    std::optional<MsixVectors> m_msix;
    Entry m_entries[max_queues] {};
    WakeEvent m_signals[max_queues] {};
    bool m_refused[max_queues] {};
    std::atomic<uint64_t> m_interrupts {0};
    std::atomic<uint64_t> m_config_changes {0};
};

// The device's VirtioIrq (made on first use, for the function; a second
// VirtioPciDevice of the same function gets the same one), attached to its
// transport. `enabled` false (irq=off): polled.
VirtioIrq* attach_virtio_irq(const PciFunction& fn, PciTransport& transport, uint16_t queues,
    const char* what, bool enabled);

// Every VirtioIrq made, for the end-of-run lines
// "[irq] 00:02.0 virtio-blk interrupts=12".
void virtio_irq_report();

} // namespace rota::virtio
