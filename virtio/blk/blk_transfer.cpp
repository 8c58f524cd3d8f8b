// BlkDevice's request path: one way onto the queue (submit), one way off it
// (reap_one, finish), and the pipelined loop that keeps several requests in
// flight for read() and write() (virtio 1.2, 2.7.13, 2.7.14 and 5.2.6). The
// slots, the queue and the deadline wait are the generic device's.

#include "virtio/blk/blk_device.h"
#include "virtio/blk/request.h"
#include "virtio/blk/split.h"

namespace rota::blk {

Expected<void> BlkDevice::transfer(RequestType type, uint64_t sector, std::span<uint8_t> read_into,
    std::span<const uint8_t> write_from, uint16_t max_in_flight)
{
    TRY(m_device.usable());
    const char* what = request_type_name(type);
    size_t bytes = type == RequestType::In ? read_into.size() : write_from.size();
    if (bytes % sector_bytes != 0) {
        report("%s of %zu bytes refused: not a whole number of sectors", what, bytes);
        return make_error(Error::InvalidArgument);
    }
    uint64_t count = bytes / sector_bytes;
    if (!range_fits(sector, count, capacity_sectors())) {
        report("%s sector=%lu sectors=%lu refused: beyond the capacity of %lu sectors", what,
            sector, count, capacity_sectors());
        return make_error(Error::InvalidArgument);
    }
    uint16_t depth = m_info.slots;
    if (max_in_flight != 0 && max_in_flight < depth)
        depth = max_in_flight;

    RequestSplitter split(
        sector, count, m_info.max_request_sectors, m_info.config.block_bytes / sector_bytes);
    Transfer transfer;
    transfer.read_into = read_into.data();
    while (!split.done() || in_flight() > 0) {
        // Fill the pipeline (no more after a failure), publish it with one
        // kick, then take one completion and go round again.
        while (!transfer.failed && !split.done() && in_flight() < depth) {
            Chunk chunk = split.next();
            const uint8_t* from
                = type == RequestType::Out ? write_from.data() + chunk.byte_offset : nullptr;
            auto submitted
                = submit(type, chunk.sector, chunk.sectors * sector_bytes, from, chunk.byte_offset);
            if (submitted.is_error()) {
                transfer.failed = true;
                transfer.error = submitted.error();
            }
        }
        if (in_flight() == 0)
            break;
        TRY(reap_one(transfer));
    }
    if (transfer.failed)
        return make_error(transfer.error);
    return {};
}

Expected<void> BlkDevice::single(RequestType type, Transfer& transfer, uint32_t data_bytes)
{
    TRY(submit(type, 0, data_bytes, nullptr, 0));
    while (in_flight() > 0)
        TRY(reap_one(transfer));
    if (transfer.failed)
        return make_error(transfer.error);
    return {};
}

Expected<uint16_t> BlkDevice::submit(RequestType type, uint64_t sector, uint32_t data_bytes,
    const uint8_t* write_from, uint64_t byte_offset)
{
    // The callers keep fewer than info().slots requests in flight: a slot is free.
    uint16_t slot = TRY(m_device.acquire_slot());
    virtio::RequestSlots& slots = m_device.slots();
    *reinterpret_cast<RequestHeader*>(slots.request(slot)) = make_request_header(type, sector);
    *slots.response(slot) = status_unwritten;
    if (write_from != nullptr)
        __builtin_memcpy(slots.buffer(slot), write_from, data_bytes);
    // 5.2.6: header, data, status; the data is readable for a write only.
    virtio::Segment data {slots.buffer_phys(slot), data_bytes};
    bool device_reads_data = type == RequestType::Out;
    bool device_writes_data = type != RequestType::Out && data_bytes > 0;
    virtio::SlotChain chain;
    chain.request_bytes = sizeof(RequestHeader);
    if (device_reads_data)
        chain.readable = std::span(&data, 1);
    if (device_writes_data)
        chain.writable = std::span(&data, 1);
    chain.response_bytes = 1;
    if (auto added = m_device.submit(request_queue, slot, chain); added.is_error()) {
        const virtio::Virtqueue& queue = m_device.queue(request_queue);
        report("%s sector=%lu: the queue refused the request (%s)", request_type_name(type), sector,
            queue.broken() ? queue.broken_reason() : error_name(added.error()));
        return m_device.fail(Error::DeviceError, "the request queue refused a request");
    }
    m_slots[slot] = Slot {type, sector, data_bytes / sector_bytes, byte_offset};
    return slot;
}

Expected<void> BlkDevice::reap_one(Transfer& transfer)
{
    const virtio::Virtqueue& queue = m_device.queue(request_queue);
    if (m_device.kick(request_queue).is_error()) {
        report("request queue broken: %s", queue.broken_reason());
        return make_error(Error::DeviceError);
    }
    uint64_t completed_before = m_completed;
    auto waited = m_device.wait(
        request_queue, m_options.timeout_ns, [&] { return m_completed != completed_before; },
        [&](uint16_t slot, const virtio::Completion&) { finish(slot, transfer); });
    if (waited.has_value())
        return {};
    if (waited.error() == Error::Timeout)
        report("%s: device abandoned", m_device.failure());
    else if (queue.broken())
        report("request queue broken: %s", queue.broken_reason());
    // Otherwise finish() found a status no device may write, and said so.
    return waited;
}

// The used element's len is not consulted: the status byte says whether the
// request succeeded, and a device that wrote it wrote the data before it
// (5.2.6.1), as Linux's driver also assumes.
void BlkDevice::finish(uint16_t index, Transfer& transfer)
{
    const Slot& slot = m_slots[index];
    ++m_completed;
    uint8_t status = *reinterpret_cast<volatile uint8_t*>(m_device.slots().response(index));
    if (status != status_ok) {
        const char* what = request_type_name(slot.type);
        if (status_is_protocol_violation(status)) {
            report("%s sector=%lu sectors=%u: status byte 0x%02x (%s) is no virtio-blk status: "
                   "device abandoned",
                what, slot.sector, slot.sectors, status, status_name(status));
            (void)m_device.fail(Error::DeviceError, "status byte 0x%02x", status);
        } else {
            report("%s sector=%lu sectors=%u failed: status=%s", what, slot.sector, slot.sectors,
                status_name(status));
        }
        if (!transfer.failed) {
            transfer.failed = true;
            transfer.error = check_status(status).error();
        }
        return;
    }
    const uint8_t* bounce = m_device.slots().buffer(index);
    if (slot.type == RequestType::In)
        __builtin_memcpy(
            transfer.read_into + slot.byte_offset, bounce, size_t(slot.sectors) * sector_bytes);
    else if (slot.type == RequestType::GetId && transfer.id_into != nullptr)
        __builtin_memcpy(transfer.id_into, bounce, id_bytes);
}

} // namespace rota::blk
