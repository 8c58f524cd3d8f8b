#include "virtio/transport/pci_transport.h"

namespace rota::virtio {

PciTransport::PciTransport(const VirtioPciLayout& layout, RegisterSpace& common,
    RegisterSpace& notify, RegisterSpace* isr, RegisterSpace* device)
    : m_layout(layout)
    , m_common(&common)
    , m_notify(&notify)
    , m_isr(layout.isr.present() ? isr : nullptr)
    , m_device(layout.device.present() ? device : nullptr)
{
}

uint8_t PciTransport::status()
{
    return m_common->read(common_cfg::device_status);
}

void PciTransport::set_status(uint8_t status)
{
    m_common->write(common_cfg::device_status, status);
}

uint64_t PciTransport::device_features()
{
    m_common->write(common_cfg::device_feature_select, 0u);
    uint64_t low = m_common->read(common_cfg::device_feature);
    m_common->write(common_cfg::device_feature_select, 1u);
    uint64_t high = m_common->read(common_cfg::device_feature);
    return high << 32 | low;
}

void PciTransport::set_driver_features(uint64_t features)
{
    m_common->write(common_cfg::driver_feature_select, 0u);
    m_common->write(common_cfg::driver_feature, uint32_t(features));
    m_common->write(common_cfg::driver_feature_select, 1u);
    m_common->write(common_cfg::driver_feature, uint32_t(features >> 32));
}

uint16_t PciTransport::num_queues()
{
    return m_common->read(common_cfg::num_queues);
}

void PciTransport::select_queue(uint16_t index)
{
    m_common->write(common_cfg::queue_select, index);
}

uint16_t PciTransport::queue_size()
{
    return m_common->read(common_cfg::queue_size);
}

void PciTransport::set_queue_size(uint16_t size)
{
    m_common->write(common_cfg::queue_size, size);
}

uint16_t PciTransport::queue_enable()
{
    return m_common->read(common_cfg::queue_enable);
}

uint16_t PciTransport::queue_notify_off()
{
    return m_common->read(common_cfg::queue_notify_off);
}

void PciTransport::write64(const SplitRegister64& reg, uint64_t value)
{
    m_common->write(reg.low, uint32_t(value));
    m_common->write(reg.high, uint32_t(value >> 32));
}

void PciTransport::set_queue_addresses(
    PhysAddr descriptor_area, PhysAddr driver_area, PhysAddr device_area)
{
    write64(common_cfg::queue_desc, descriptor_area.get());
    write64(common_cfg::queue_driver, driver_area.get());
    write64(common_cfg::queue_device, device_area.get());
}

void PciTransport::set_queue_msix_vector(uint16_t vector)
{
    m_common->write(common_cfg::queue_msix_vector, vector);
}

uint16_t PciTransport::queue_msix_vector()
{
    return m_common->read(common_cfg::queue_msix_vector);
}

void PciTransport::enable_queue()
{
    m_common->write(common_cfg::queue_enable, uint16_t(1));
}

void PciTransport::set_config_msix_vector(uint16_t vector)
{
    m_common->write(common_cfg::config_msix_vector, vector);
}

uint16_t PciTransport::config_msix_vector()
{
    return m_common->read(common_cfg::config_msix_vector);
}

void PciTransport::notify(const Doorbell& doorbell)
{
    // DeviceInit checked notify_offset + 2 <= the notification structure's length.
    m_notify->write16(doorbell.notify_offset, doorbell.queue_index);
}

uint8_t PciTransport::read_isr()
{
    return m_isr != nullptr ? m_isr->read8(0) : 0;
}

uint8_t PciTransport::config_generation()
{
    return m_common->read(common_cfg::config_generation);
}

void PciTransport::check_config_access(uint32_t offset, uint32_t width) const
{
    ROTA_ASSERT(m_device != nullptr);
    ROTA_ASSERT(offset % width == 0 && uint64_t(offset) + width <= m_layout.device.length);
}

uint8_t PciTransport::read_config8(uint32_t offset)
{
    check_config_access(offset, 1);
    return m_device->read8(offset);
}

uint16_t PciTransport::read_config16(uint32_t offset)
{
    check_config_access(offset, 2);
    return m_device->read16(offset);
}

uint32_t PciTransport::read_config32(uint32_t offset)
{
    check_config_access(offset, 4);
    return m_device->read32(offset);
}

uint64_t PciTransport::read_config64(uint32_t offset)
{
    uint64_t low = read_config32(offset);
    uint64_t high = read_config32(offset + 4);
    return high << 32 | low;
}

void PciTransport::write_config8(uint32_t offset, uint8_t value)
{
    check_config_access(offset, 1);
    m_device->write8(offset, value);
}

void PciTransport::write_config16(uint32_t offset, uint16_t value)
{
    check_config_access(offset, 2);
    m_device->write16(offset, value);
}

void PciTransport::write_config32(uint32_t offset, uint32_t value)
{
    check_config_access(offset, 4);
    m_device->write32(offset, value);
}

} // namespace rota::virtio
