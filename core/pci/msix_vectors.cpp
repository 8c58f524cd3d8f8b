#include "core/pci/msix_vectors.h"

#include "core/pci/config_registers.h"
#include "core/pci/msix.h"
#include "core/pci/pci.h"

namespace rota {

Expected<MsixVectors> MsixVectors::create(const PciFunction& fn)
{
    MsixLocation where = TRY(msix_locate(fn));
    // rota runs identity mapped; the BAR is mapped uncached like every BAR in use.
    MsixTable<MmioSpace> table(
        MmioSpace(VirtAddr(where.table.get())), MmioSpace(VirtAddr(where.pba.get())), where.size);
    // The entries must not be used before they hold messages: enable with the
    // function masked (6.8.2.3), and mask each entry ourselves (the function's
    // reset state masks them too, but the firmware may have used them).
    msix_set_control(pci_config_space(), fn.bdf, *fn.capabilities.msix, true, true);
    for (uint16_t i = 0; i < where.size; ++i)
        table.mask(i);
    return MsixVectors(fn, table);
}

MsixVectors::MsixVectors(const PciFunction& fn, MsixTable<MmioSpace> table)
    : m_fn(&fn)
    , m_table(table)
{
}

MsixVectors::MsixVectors(MsixVectors&& other)
    : m_fn(other.m_fn)
    , m_table(other.m_table)
{
    for (uint16_t i = 0; i < max_entries; ++i) {
        m_irqs[i] = other.m_irqs[i];
        m_bound[i] = other.m_bound[i];
    }
    other.m_owner = false;
}

MsixVectors::~MsixVectors()
{
    if (m_owner)
        release();
}

Expected<IrqVector> MsixVectors::bind(uint16_t entry, DeviceInterruptHandler handler, void* context)
{
    if (entry >= m_table.size() || entry >= max_entries)
        return make_error(Error::InvalidArgument);
    if (m_bound[entry])
        return make_error(Error::Busy);
    IrqVector irq = TRY(irq_allocate(handler, context));
    auto message = msi_message(irq.apic_id, irq.vector);
    if (message.is_error()) {
        irq_free(irq);
        return make_error(message.error());
    }
    // The handler is in place before the entry can deliver: a message the
    // function held pending while the entry was masked arrives on unmask.
    m_table.program(entry, *message);
    m_table.unmask(entry);
    m_irqs[entry] = irq;
    m_bound[entry] = true;
    return irq;
}

void MsixVectors::activate()
{
    msix_set_control(pci_config_space(), m_fn->bdf, *m_fn->capabilities.msix, true, false);
}

uint16_t MsixVectors::bound() const
{
    uint16_t count = 0;
    for (bool b : m_bound)
        count = uint16_t(count + (b ? 1 : 0));
    return count;
}

void MsixVectors::release()
{
    msix_set_control(pci_config_space(), m_fn->bdf, *m_fn->capabilities.msix, true, true);
    for (uint16_t i = 0; i < max_entries; ++i) {
        if (!m_bound[i])
            continue;
        m_table.mask(i);
        irq_free(m_irqs[i]);
        m_bound[i] = false;
    }
    msix_set_control(pci_config_space(), m_fn->bdf, *m_fn->capabilities.msix, false, false);
}

} // namespace rota
