#include "virtio/device/device_init.h"

#include <cstdarg>

#include "core/lib/format.h"
#include "virtio/device/features.h"
#include "virtio/queue/ring_layout.h"

namespace rota::virtio {

namespace {

uint16_t round_down_to_power_of_two(uint16_t value)
{
    uint16_t result = 1;
    while (result <= value / 2)
        result = uint16_t(result * 2);
    return result;
}

} // namespace

Expected<void> reset_device(PciTransport& transport, PollClock& clock, uint64_t timeout_ns)
{
    transport.set_status(0);
    return poll_until(clock, timeout_ns, [&]() -> Expected<PollStep> {
        return transport.status() == 0 ? PollStep::Done : PollStep::Idle;
    });
}

DeviceInit::DeviceInit(PciTransport& transport, PollClock& clock)
    : m_transport(transport)
    , m_clock(clock)
{
}

Unexpected DeviceInit::failf(Error error, const char* format_string, ...)
{
    va_list args;
    va_start(args, format_string);
    vformat(m_failure, sizeof(m_failure), format_string, args);
    va_end(args);
    // 3.1.1: if a step goes irrecoverably wrong, set FAILED and stop.
    m_status = uint8_t(m_status | status::failed);
    m_transport.set_status(m_status);
    m_stage = Stage::Failed;
    return make_error(error);
}

Unexpected DeviceInit::fail(Error error, const char* reason)
{
    return failf(error, "%s", reason);
}

void DeviceInit::add_status(uint8_t bits)
{
    m_status = uint8_t(m_status | bits);
    m_transport.set_status(m_status);
}

Expected<void> DeviceInit::begin(uint64_t reset_timeout_ns)
{
    ROTA_ASSERT(m_stage == Stage::Start);
    if (reset_device(m_transport, m_clock, reset_timeout_ns).is_error())
        return failf(
            Error::Timeout, "reset did not complete in %lu ms", reset_timeout_ns / 1'000'000);
    m_status = 0;
    add_status(status::acknowledge);
    add_status(status::driver);
    m_stage = Stage::Driver;
    return {};
}

Expected<uint64_t> DeviceInit::negotiate(const FeatureRequest& request)
{
    ROTA_ASSERT(m_stage == Stage::Driver);
    // A driver may only ask for its device type's bits and those the core implements.
    uint64_t asked = request.wanted | request.required;
    ROTA_ASSERT((asked & ~(device_specific_features | core_features)) == 0);

    uint64_t offered = m_transport.device_features();
    m_offered = offered;
    if ((offered & feature::version_1) == 0)
        return failf(Error::Unsupported, "VERSION_1 not offered (features 0x%lx)", offered);
    uint64_t missing = request.required & ~offered;
    if (missing != 0)
        return failf(Error::Unsupported, "required features 0x%lx not offered", missing);

    m_features = offered & (asked | feature::version_1);
    m_transport.set_driver_features(m_features);
    add_status(status::features_ok);
    // 3.1.1 step 6: the device clears FEATURES_OK if it cannot work with our subset.
    if ((m_transport.status() & status::features_ok) == 0)
        return failf(Error::Unsupported, "FEATURES_OK refused (features 0x%lx)", m_features);
    m_stage = Stage::FeaturesOk;
    return m_features;
}

Expected<Virtqueue> DeviceInit::setup_queue(
    uint16_t index, uint16_t wanted_size, DmaAllocator& allocator)
{
    ROTA_ASSERT(m_stage == Stage::FeaturesOk);
    ROTA_ASSERT(wanted_size > 0);
    uint16_t queues = m_transport.num_queues();
    if (index >= queues)
        return failf(Error::NotFound, "queue %u absent (num_queues=%u)", index, queues);
    // 4.1.5.1.3: select, read the maximum size, choose ours.
    m_transport.select_queue(index);
    uint16_t maximum = m_transport.queue_size();
    if (maximum == 0)
        return failf(Error::NotFound, "queue %u unavailable (size 0)", index);
    if (m_transport.queue_enable() != 0)
        return failf(Error::DeviceError, "queue %u enabled before setup", index);
    uint16_t size = maximum < wanted_size ? maximum : wanted_size;
    size = round_down_to_power_of_two(size < max_queue_size ? size : max_queue_size);

    // 4.1.4.4: the doorbell at cap.offset + queue_notify_off * notify_off_multiplier
    // must lie inside the notification structure.
    uint64_t notify_offset
        = uint64_t(m_transport.queue_notify_off()) * m_transport.layout().notify_off_multiplier;
    if (notify_offset + 2 > m_transport.layout().notify.length)
        return failf(Error::DeviceError,
            "queue %u notify offset 0x%lx beyond the notify region (%u bytes)", index,
            notify_offset, m_transport.layout().notify.length);

    VirtqueueConfig config {index, size, has(feature::event_idx), uint32_t(notify_offset)};
    auto queue = Virtqueue::create(allocator, m_transport, config);
    if (queue.is_error())
        return failf(queue.error(), "queue %u: no memory for %u entries", index, size);

    m_transport.set_queue_size(size);
    set_queue_vector(index);
    m_transport.set_queue_addresses(
        queue->descriptor_area(), queue->driver_area(), queue->device_area());
    m_transport.enable_queue();
    return queue;
}

void DeviceInit::set_queue_vector(uint16_t index)
{
    // 4.1.5.1.2: the selected queue's MSI-X entry, read back to confirm the
    // device could map it; NO_VECTOR where interrupts are not MSI-X.
    DeviceInterrupts* interrupts = m_transport.interrupts();
    uint16_t vector
        = interrupts != nullptr ? interrupts->queue_vector(index) : common_cfg::no_msix_vector;
    m_transport.set_queue_msix_vector(vector);
    if (vector != common_cfg::no_msix_vector && m_transport.queue_msix_vector() != vector)
        interrupts->refused(index);
}

Expected<void> DeviceInit::finish()
{
    ROTA_ASSERT(m_stage == Stage::FeaturesOk);
    // 4.1.5.1.2: the vector for configuration changes, read back.
    DeviceInterrupts* interrupts = m_transport.interrupts();
    uint16_t vector
        = interrupts != nullptr ? interrupts->config_vector() : common_cfg::no_msix_vector;
    m_transport.set_config_msix_vector(vector);
    if (vector != common_cfg::no_msix_vector && m_transport.config_msix_vector() != vector)
        interrupts->config_refused();
    add_status(status::driver_ok);
    uint8_t now = m_transport.status();
    if ((now & status::device_needs_reset) != 0)
        return failf(Error::DeviceError, "DEVICE_NEEDS_RESET after DRIVER_OK (status 0x%x)", now);
    if ((now & status::driver_ok) == 0)
        return failf(Error::DeviceError, "DRIVER_OK not accepted (status 0x%x)", now);
    m_stage = Stage::Live;
    return {};
}

} // namespace rota::virtio
