#include "virtio/transport/virtio_irq.h"

#include "core/acpi/acpi.h"
#include "core/lib/format.h"
#include "core/log/log.h"
#include "core/pci/config_registers.h"
#include "core/pci/enable.h"
#include "core/pci/pci.h"

namespace rota::virtio {

namespace {

constexpr size_t max_devices = 8;
constinit VirtioIrq* g_devices[max_devices] {};
constinit size_t g_device_count = 0;

// The ISR status bits (4.1.4.5): a used buffer notification, a
// configuration change.
constexpr uint8_t isr_queue = 1u << 0;
constexpr uint8_t isr_config = 1u << 1;

} // namespace

VirtioIrq::VirtioIrq(
    const PciFunction& fn, PciTransport& transport, uint16_t queues, const char* what)
    : m_fn(fn)
    , m_transport(transport)
    , m_queues(queues < max_queues ? queues : max_queues)
    , m_what(what)
{
}

VirtioIrq* VirtioIrq::create(
    const PciFunction& fn, PciTransport& transport, uint16_t queues, const char* what, bool enabled)
{
    auto* irq = new VirtioIrq(fn, transport, queues, what);
    char polled[96] = "irq=off";
    if (enabled) {
        // MSI-X first (PCI Local Bus 3.0, 6.8: a function that has it should
        // be driven by it), INTx where it has none or it cannot be used.
        const char* msix_problem = irq->try_msix();
        const char* intx_problem = msix_problem != nullptr ? irq->try_intx() : nullptr;
        if (intx_problem != nullptr)
            format(
                polled, sizeof polled, "no msi-x (%s), no intx (%s)", msix_problem, intx_problem);
    }
    irq->report_route(polled);
    if (g_device_count < max_devices)
        g_devices[g_device_count++] = irq;
    return irq;
}

void VirtioIrq::report_route(const char* why_polled) const
{
    BdfText bdf = bdf_text(m_fn.bdf);
    switch (m_kind) {
    case Kind::Msix:
        klog("[irq] %s %s msix vectors=%u cpu=%u", bdf.text, m_what, m_msix->bound(), m_cpu);
        return;
    case Kind::Intx:
        klog("[irq] %s %s intx pin=%c gsi=%u trigger=%s polarity=%s cpu=%u", bdf.text, m_what,
            char('A' + m_fn.interrupt_pin - 1), m_route.gsi,
            m_route.trigger == Trigger::Level ? "level" : "edge",
            m_route.polarity == Polarity::ActiveHigh ? "high" : "low", m_cpu);
        return;
    case Kind::Polled:
        klog("[irq] %s %s polled: %s", bdf.text, m_what, why_polled);
        return;
    }
}

const char* VirtioIrq::try_msix()
{
    auto vectors = MsixVectors::create(m_fn);
    if (vectors.is_error())
        return vectors.error() == Error::NotFound ? "no capability" : "capability unusable";
    if (vectors->size() < m_queues + 1u)
        return "too few table entries";
    m_msix.emplace(vectors.release_value());
    // Entry 0 for configuration changes, 1 + q for queue q (the layout Linux's
    // vp_find_vqs_msix uses when every queue gets a vector).
    auto config = m_msix->bind(0, on_config, this);
    if (config.is_error()) {
        m_msix.reset();
        return "no free vector";
    }
    m_cpu = config->cpu;
    for (uint16_t q = 0; q < m_queues; ++q) {
        m_entries[q] = {this, q};
        if (m_msix->bind(uint16_t(1 + q), on_queue, &m_entries[q]).is_error()) {
            m_msix.reset();
            return "no free vector";
        }
    }
    m_msix->activate();
    m_kind = Kind::Msix;
    return nullptr;
}

const char* VirtioIrq::try_intx()
{
    if (m_fn.interrupt_pin == 0 || m_fn.interrupt_pin > 4)
        return "no interrupt pin";
    if (!m_transport.layout().isr.present())
        return "no ISR status structure";
    const Madt* madt = acpi_madt();
    if (madt == nullptr)
        return "no MADT";
    uint8_t line = pci_config_space().read(m_fn.bdf, pci::interrupt_line);
    auto route = pci_intx_route(*madt, line);
    if (route.is_error())
        return "the firmware did not route the pin";
    auto claimed = ioapic_claim(*route, on_intx, this);
    if (claimed.is_error())
        return error_name(claimed.error());
    if (enable_intx(pci_config_space(), m_fn).is_error())
        return "interrupt disable stuck";
    m_kind = Kind::Intx;
    m_route = claimed->route;
    m_cpu = claimed->irq.cpu;
    return nullptr;
}

uint16_t VirtioIrq::queue_vector(uint16_t q)
{
    if (m_kind != Kind::Msix || q >= m_queues)
        return common_cfg::no_msix_vector;
    return uint16_t(1 + q);
}

uint16_t VirtioIrq::config_vector()
{
    return m_kind == Kind::Msix ? 0 : common_cfg::no_msix_vector;
}

WakeSignal* VirtioIrq::signal(uint16_t q)
{
    if (m_kind == Kind::Polled || q >= m_queues || m_refused[q])
        return nullptr;
    return &m_signals[q];
}

void VirtioIrq::refused(uint16_t q)
{
    if (q >= m_queues)
        return;
    m_refused[q] = true;
    klog("[irq] %s %s queue %u refused msix entry %u: polled", bdf_text(m_fn.bdf).text, m_what, q,
        1u + q);
}

void VirtioIrq::config_refused()
{
    klog("[irq] %s %s refused msix entry 0 for configuration changes", bdf_text(m_fn.bdf).text,
        m_what);
}

void VirtioIrq::on_queue(void* context)
{
    auto& entry = *static_cast<Entry*>(context);
    entry.owner->m_interrupts.fetch_add(1, std::memory_order_relaxed);
    entry.owner->m_signals[entry.queue].signal();
}

void VirtioIrq::on_config(void* context)
{
    auto& irq = *static_cast<VirtioIrq*>(context);
    irq.m_interrupts.fetch_add(1, std::memory_order_relaxed);
    irq.m_config_changes.fetch_add(1, std::memory_order_relaxed);
}

void VirtioIrq::on_intx(void* context)
{
    auto& irq = *static_cast<VirtioIrq*>(context);
    // Reading clears it and de-asserts the line; 0 means another device on
    // a shared line raised it.
    uint8_t isr = irq.m_transport.read_isr();
    if (isr == 0)
        return;
    irq.m_interrupts.fetch_add(1, std::memory_order_relaxed);
    if (isr & isr_config)
        irq.m_config_changes.fetch_add(1, std::memory_order_relaxed);
    if (isr & isr_queue) {
        for (uint16_t q = 0; q < irq.m_queues; ++q)
            irq.m_signals[q].signal();
    }
}

VirtioIrq* attach_virtio_irq(
    const PciFunction& fn, PciTransport& transport, uint16_t queues, const char* what, bool enabled)
{
    VirtioIrq* irq = nullptr;
    for (size_t i = 0; i < g_device_count && irq == nullptr; ++i) {
        if (g_devices[i]->function().bdf == fn.bdf)
            irq = g_devices[i];
    }
    if (irq == nullptr)
        irq = VirtioIrq::create(fn, transport, queues, what, enabled);
    transport.set_interrupts(irq);
    return irq;
}

void virtio_irq_report()
{
    static constexpr const char* kinds[] = {"polled", "msix", "intx"};
    for (size_t i = 0; i < g_device_count; ++i) {
        VirtioIrq& irq = *g_devices[i];
        klog("[irq] %s %s %s interrupts=%lu", bdf_text(irq.function().bdf).text, irq.what(),
            kinds[static_cast<int>(irq.kind())], irq.interrupts());
    }
}

} // namespace rota::virtio
