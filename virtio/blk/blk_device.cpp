#include "virtio/blk/blk_device.h"

#include <cstdarg>

#include "core/lib/format.h"
#include "core/lib/text_builder.h"
#include "virtio/blk/split.h"
#include "virtio/device/device_init.h"
#include "virtio/device/features.h"

namespace rota::blk {

Expected<BlkDevice> BlkDevice::create(virtio::PciTransport& transport, DmaAllocator& allocator,
    PollClock& clock, DiagnosticSink& sink, const char* name, const BlkOptions& options)
{
    ROTA_ASSERT(options.bounce_bytes >= 4096 && options.bounce_bytes % 4096 == 0);
    virtio::DeviceInit init(transport, clock);
    auto failed = [&](const char* step, Error error) {
        sink.reportf("[virtio-blk] %s %s failed: %s", name, step, init.failure());
        return make_error(error);
    };
    if (init.begin().is_error())
        return failed("reset", Error::DeviceError);
    auto features = init.negotiate({blk_wanted_features() | virtio::feature::event_idx, 0});
    if (features.is_error())
        return failed("feature negotiation", features.error());
    auto config = read_blk_config(transport, features.value());
    if (config.is_error()) {
        init.fail(config.error(), "configuration too short or never consistent");
        return failed("reading the configuration", config.error());
    }
    auto queue = init.setup_queue(0, options.queue_size, allocator);
    if (queue.is_error())
        return failed("request queue setup", queue.error());

    // From here the device knows the ring addresses: every way out resets it
    // before the rings are freed.
    auto give_up = [&](Error error, const char* reason) {
        init.fail(error, reason);
        (void)virtio::reset_device(transport, clock);
        return failed("setup", error);
    };
    BlkInfo info;
    info.config = config.value();
    info.features = features.value();
    info.queue_size = queue->size();
    info.event_idx = queue->event_idx();
    uint32_t slots = queue->size() / 3;
    if (slots > options.max_slots)
        slots = options.max_slots;
    if (slots > max_slot_capacity)
        slots = max_slot_capacity;
    if (slots == 0)
        return give_up(Error::Unsupported, "queue too small for one request");
    info.slots = uint16_t(slots);
    info.max_request_sectors
        = max_request_sectors(options.bounce_bytes, info.config.size_max, info.config.block_bytes);
    if (info.max_request_sectors == 0)
        return give_up(Error::Unsupported, "size_max below one block");

    auto control = allocator.allocate(size_t(slots) * control_stride, 64);
    if (control.is_error())
        return give_up(Error::OutOfMemory, "no memory for request headers");
    auto bounce = allocator.allocate(size_t(slots) * options.bounce_bytes, 4096);
    if (bounce.is_error()) {
        allocator.free(control.value());
        return give_up(Error::OutOfMemory, "no memory for bounce buffers");
    }
    if (init.finish().is_error()) {
        (void)virtio::reset_device(transport, clock);
        allocator.free(control.value());
        allocator.free(bounce.value());
        return failed("DRIVER_OK", Error::DeviceError);
    }
    sink.reportf("[virtio-blk] %s driver_ok features=0x%lx queue=%u slots=%u event_idx=%s", name,
        info.features, info.queue_size, info.slots, info.event_idx ? "yes" : "no");
    return BlkDevice(transport, allocator, clock, sink, name, queue.release_value(),
        control.value(), bounce.value(), info, options);
}

BlkDevice::BlkDevice(virtio::PciTransport& transport, DmaAllocator& allocator, PollClock& clock,
    DiagnosticSink& sink, const char* name, virtio::Virtqueue queue, DmaBuffer control,
    DmaBuffer bounce, const BlkInfo& info, const BlkOptions& options)
    : m_transport(&transport)
    , m_clock(&clock)
    , m_sink(&sink)
    , m_queue(static_cast<virtio::Virtqueue&&>(queue))
    , m_allocator(&allocator)
    , m_control(control)
    , m_bounce(bounce)
    , m_info(info)
    , m_options(options)
{
    format(m_name, sizeof m_name, "%s", name);
}

BlkDevice::BlkDevice(BlkDevice&& other)
    : m_transport(other.m_transport)
    , m_clock(other.m_clock)
    , m_sink(other.m_sink)
    , m_queue(static_cast<virtio::Virtqueue&&>(other.m_queue))
    , m_allocator(other.m_allocator)
    , m_control(other.m_control)
    , m_bounce(other.m_bounce)
    , m_info(other.m_info)
    , m_options(other.m_options)
    , m_in_flight(other.m_in_flight)
    , m_completed(other.m_completed)
    , m_failed(other.m_failed)
{
    for (size_t i = 0; i < max_slot_capacity; ++i)
        m_slots[i] = other.m_slots[i];
    format(m_name, sizeof m_name, "%s", other.m_name);
    other.m_allocator = nullptr;
}

BlkDevice::~BlkDevice()
{
    if (m_allocator == nullptr)
        return;
    // The queue's rings are freed after this body: stop the device first.
    (void)virtio::reset_device(*m_transport, *m_clock);
    m_allocator->free(m_control);
    m_allocator->free(m_bounce);
}

RequestHeader* BlkDevice::header_of(uint16_t slot) const
{
    return reinterpret_cast<RequestHeader*>(
        static_cast<uint8_t*>(m_control.virt) + size_t(slot) * control_stride);
}

uint8_t* BlkDevice::status_of(uint16_t slot) const
{
    return reinterpret_cast<uint8_t*>(header_of(slot)) + sizeof(RequestHeader);
}

uint8_t* BlkDevice::bounce_of(uint16_t slot) const
{
    return static_cast<uint8_t*>(m_bounce.virt) + size_t(slot) * m_options.bounce_bytes;
}

void BlkDevice::report(const char* format_string, ...)
{
    char line[DiagnosticSink::max_line];
    TextBuilder text(line, sizeof line);
    text.appendf("[blk] %s ", m_name);
    va_list args;
    va_start(args, format_string);
    text.vappendf(format_string, args);
    va_end(args);
    m_sink->report(line);
}

Unexpected BlkDevice::fail(Error error)
{
    m_failed = true;
    return make_error(error);
}

Expected<void> BlkDevice::usable() const
{
    if (m_failed)
        return make_error(Error::DeviceError);
    return {};
}

Expected<void> BlkDevice::read(uint64_t sector, std::span<uint8_t> out, uint16_t max_in_flight)
{
    return transfer(RequestType::In, sector, out, {}, max_in_flight);
}

Expected<void> BlkDevice::write(
    uint64_t sector, std::span<const uint8_t> data, uint16_t max_in_flight)
{
    if (read_only()) {
        report("write sector=%lu sectors=%lu refused: the device is read-only", sector,
            uint64_t(data.size() / sector_bytes));
        return make_error(Error::ReadOnly);
    }
    return transfer(RequestType::Out, sector, {}, data, max_in_flight);
}

Expected<void> BlkDevice::flush()
{
    TRY(usable());
    if (!m_info.config.flush)
        return {};
    Transfer transfer;
    return single(RequestType::Flush, transfer, 0);
}

Expected<void> BlkDevice::get_id(char (&out)[id_bytes + 1])
{
    TRY(usable());
    for (char& c : out)
        c = 0;
    Transfer transfer;
    transfer.id_into = out;
    return single(RequestType::GetId, transfer, id_bytes);
}

} // namespace rota::blk
