#include "virtio/transport/mmio_transport.h"

namespace rota::virtio {

namespace {
MmioSpace space_at(const Region& region)
{
    return MmioSpace(VirtAddr(region.address.get()));
}
} // namespace

MmioPciTransport::MmioPciTransport(const VirtioPciLayout& layout)
    : m_common(space_at(layout.common))
    , m_notify(space_at(layout.notify))
    , m_isr(space_at(layout.isr))
    , m_device(space_at(layout.device))
    , m_transport(layout, m_common, m_notify, &m_isr, &m_device)
{
}

} // namespace rota::virtio
