// BlkDevice's request path: one way onto the queue (submit), one way off it
// (reap_one, finish), and the pipelined loop that keeps several requests in
// flight for read() and write() (virtio 1.2, 2.7.13, 2.7.14 and 5.2.6).

#include "virtio/blk/blk_device.h"
#include "virtio/blk/request.h"
#include "virtio/blk/split.h"

namespace rota::blk {

Expected<void> BlkDevice::transfer(RequestType type, uint64_t sector, std::span<uint8_t> read_into,
    std::span<const uint8_t> write_from, uint16_t max_in_flight)
{
    TRY(usable());
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
    while (!split.done() || m_in_flight > 0) {
        // Fill the pipeline (no more after a failure), publish it with one
        // kick, then take one completion and go round again.
        while (!transfer.failed && !split.done() && m_in_flight < depth) {
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
        if (m_in_flight == 0)
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
    while (m_in_flight > 0)
        TRY(reap_one(transfer));
    if (transfer.failed)
        return make_error(transfer.error);
    return {};
}

Expected<uint16_t> BlkDevice::submit(RequestType type, uint64_t sector, uint32_t data_bytes,
    const uint8_t* write_from, uint64_t byte_offset)
{
    // The callers keep m_in_flight below m_info.slots: a slot is free.
    uint16_t slot = 0;
    while (slot < m_info.slots && m_slots[slot].busy)
        ++slot;
    ROTA_ASSERT(slot < m_info.slots);

    *header_of(slot) = make_request_header(type, sector);
    *status_of(slot) = status_unwritten;
    if (write_from != nullptr)
        __builtin_memcpy(bounce_of(slot), write_from, data_bytes);
    PhysAddr header_phys = m_control.phys(size_t(slot) * control_stride);
    PhysAddr data_phys = m_bounce.phys(size_t(slot) * m_options.bounce_bytes);
    virtio::Segment header {header_phys, sizeof(RequestHeader)};
    virtio::Segment data {data_phys, data_bytes};
    virtio::Segment status {header_phys.offset(sizeof(RequestHeader)), 1};
    // 5.2.6: header, data, status; the data is readable for a write only.
    virtio::Segment readable[2] = {header, data};
    virtio::Segment writable[2] = {data, status};
    bool device_writes_data = type != RequestType::Out && data_bytes > 0;
    bool device_reads_data = type == RequestType::Out;
    auto added = m_queue.add(std::span(readable, device_reads_data ? 2 : 1),
        device_writes_data ? std::span(writable, 2) : std::span(writable + 1, 1), slot);
    if (added.is_error()) {
        report("%s sector=%lu: the queue refused the request (%s)", request_type_name(type), sector,
            m_queue.broken() ? m_queue.broken_reason() : error_name(added.error()));
        return fail(Error::DeviceError);
    }
    m_slots[slot] = Slot {true, type, sector, data_bytes / sector_bytes, byte_offset};
    ++m_in_flight;
    return slot;
}

Expected<void> BlkDevice::reap_one(Transfer& transfer)
{
    auto kicked = m_queue.kick();
    if (kicked.is_error()) {
        report("request queue broken: %s", m_queue.broken_reason());
        return fail(Error::DeviceError);
    }
    auto completion = m_queue.wait(*m_clock, m_options.timeout_ns);
    if (completion.is_error()) {
        if (completion.error() == Error::Timeout) {
            report("%u requests unanswered after %lu ms: device abandoned", m_in_flight,
                m_options.timeout_ns / 1'000'000);
            return fail(Error::Timeout);
        }
        report("request queue broken: %s", m_queue.broken_reason());
        return fail(Error::DeviceError);
    }
    // The queue checked that the id heads a chain in flight; the token is ours.
    uint64_t token = completion->token;
    ROTA_ASSERT(token < m_info.slots && m_slots[token].busy);
    finish(uint16_t(token), transfer);
    if (m_failed)
        return make_error(Error::DeviceError);
    return {};
}

// The used element's len is not consulted: the status byte says whether the
// request succeeded, and a device that wrote it wrote the data before it
// (5.2.6.1), as Linux's driver also assumes.
void BlkDevice::finish(uint16_t index, Transfer& transfer)
{
    Slot& slot = m_slots[index];
    slot.busy = false;
    --m_in_flight;
    ++m_completed;
    uint8_t status = *reinterpret_cast<volatile uint8_t*>(status_of(index));
    if (status != status_ok) {
        const char* what = request_type_name(slot.type);
        if (status_is_protocol_violation(status)) {
            report("%s sector=%lu sectors=%u: status byte 0x%02x (%s) is no virtio-blk status: "
                   "device abandoned",
                what, slot.sector, slot.sectors, status, status_name(status));
            m_failed = true;
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
    if (slot.type == RequestType::In)
        __builtin_memcpy(transfer.read_into + slot.byte_offset, bounce_of(index),
            size_t(slot.sectors) * sector_bytes);
    else if (slot.type == RequestType::GetId && transfer.id_into != nullptr)
        __builtin_memcpy(transfer.id_into, bounce_of(index), id_bytes);
}

} // namespace rota::blk
