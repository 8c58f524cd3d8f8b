#pragma once

#include <cstdint>

#include "core/cpu/interrupts.h"
#include "core/cpu/mmio_space.h"
#include "core/lib/expected.h"
#include "core/pci/msix_table.h"
#include "core/pci/pci_function.h"

// One PCI function's MSI-X in the kernel: its table mapped from its BAR, and
// the vectors behind its entries (PCI Local Bus 3.0, 6.8.2). The sequence, in
// the order that lets nothing half-made reach a CPU:
//
//   create()    MSI-X enabled with the whole function masked
//   bind()      per entry: a vector on this CPU with its handler, the message
//               written while the entry is masked, then the entry unmasked
//   activate()  the function mask lifted: messages flow (one held pending
//               while its entry was masked is sent now)
//
// Destroying it masks every bound entry, frees the vectors and disables
// MSI-X, so the function falls back to INTx.

namespace rota {

class MsixVectors {
public:
    static constexpr uint16_t max_entries = 8;

    // Error::NotFound without an MSI-X capability, Error::Corrupt when the
    // capability points outside the function's BARs.
    static Expected<MsixVectors> create(const PciFunction& fn);

    MsixVectors(MsixVectors&& other);
    MsixVectors& operator=(MsixVectors&&) = delete;
    MsixVectors(const MsixVectors&) = delete;
    MsixVectors& operator=(const MsixVectors&) = delete;
    ~MsixVectors();

    uint16_t size() const { return m_table.size(); }
    // Error::InvalidArgument for an entry past the table (or max_entries),
    // Error::Busy when it is bound already or this CPU has no vector left.
    Expected<IrqVector> bind(uint16_t entry, DeviceInterruptHandler handler, void* context);
    void activate();
    // Whether the function holds a message for `entry` (its pending bit).
    bool pending(uint16_t entry) const { return m_table.pending(entry); }
    uint16_t bound() const;

private:
    MsixVectors(const PciFunction& fn, MsixTable<MmioSpace> table);
    void release();

    const PciFunction* m_fn;
    MsixTable<MmioSpace> m_table;
    IrqVector m_irqs[max_entries] {};
    bool m_bound[max_entries] {};
    bool m_owner {true};
};

} // namespace rota
