#include "virtio/blk/blk_device.h"

#include <cstdarg>

#include "virtio/blk/split.h"
#include "virtio/device/features.h"

namespace rota::blk {

Expected<BlkDevice> BlkDevice::create(virtio::PciTransport& transport, DmaAllocator& allocator,
    PollClock& clock, DiagnosticSink& sink, const char* name, const BlkOptions& options)
{
    ROTA_ASSERT(options.bounce_bytes >= 4096 && options.bounce_bytes % 4096 == 0);
    virtio::Device device = TRY(virtio::Device::start(transport, allocator, clock, sink,
        "[virtio-blk]", name, {blk_wanted_features() | virtio::feature::event_idx, 0}));
    auto config = read_blk_config(transport, device.features());
    if (config.is_error())
        return device.give_up(config.error(), "reading the configuration",
            "configuration too short or never consistent");
    TRY(device.setup_queue(request_queue, options.queue_size, "request queue"));

    // Every way out from here drops `device`, which resets the device
    // before its rings and slots are freed.
    const virtio::Virtqueue& queue = device.queue(request_queue);
    BlkInfo info;
    info.config = config.value();
    info.features = device.features();
    info.queue_size = queue.size();
    info.event_idx = queue.event_idx();
    uint32_t slots = queue.size() / 3; // 5.2.6: three descriptors a request
    if (slots > options.max_slots)
        slots = options.max_slots;
    if (slots > max_slot_capacity)
        slots = max_slot_capacity;
    if (slots == 0)
        return device.give_up(Error::Unsupported, "setup", "queue too small for one request");
    info.slots = uint16_t(slots);
    info.max_request_sectors
        = max_request_sectors(options.bounce_bytes, info.config.size_max, info.config.block_bytes);
    if (info.max_request_sectors == 0)
        return device.give_up(Error::Unsupported, "setup", "size_max below one block");

    virtio::SlotLayout layout;
    layout.count = info.slots;
    layout.request_bytes = sizeof(RequestHeader);
    layout.response_bytes = 1; // the status byte
    layout.buffer_bytes = options.bounce_bytes;
    layout.buffer_align = 4096;
    layout.control_name = "request headers";
    layout.buffer_name = "bounce buffers";
    TRY(device.allocate_slots(layout));
    TRY(device.finish());
    device.report("driver_ok features=0x%lx queue=%u slots=%u event_idx=%s", info.features,
        info.queue_size, info.slots, info.event_idx ? "yes" : "no");
    return BlkDevice(std::move(device), info, options);
}

BlkDevice::BlkDevice(virtio::Device device, const BlkInfo& info, const BlkOptions& options)
    : m_device(std::move(device))
    , m_info(info)
    , m_options(options)
{
}

void BlkDevice::report(const char* format_string, ...)
{
    va_list args;
    va_start(args, format_string);
    m_device.vreport("[blk]", format_string, args);
    va_end(args);
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
    TRY(m_device.usable());
    if (!m_info.config.flush)
        return {};
    Transfer transfer;
    return single(RequestType::Flush, transfer, 0);
}

Expected<void> BlkDevice::get_id(char (&out)[id_bytes + 1])
{
    TRY(m_device.usable());
    for (char& c : out)
        c = 0;
    Transfer transfer;
    transfer.id_into = out;
    return single(RequestType::GetId, transfer, id_bytes);
}

} // namespace rota::blk
