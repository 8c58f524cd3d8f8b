#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/lib/expected.h"
#include "core/log/diagnostic_sink.h"
#include "core/mem/dma.h"
#include "core/time/poll_clock.h"
#include "virtio/blk/blk_config.h"
#include "virtio/blk/protocol.h"
#include "virtio/device/device.h"

// The virtio-blk driver (virtio 1.2, 5.2), a thin driver on the generic device
// (virtio/device/device.h), which initialises the device, holds its queue and
// request slots, waits with a deadline and resets the device before its
// memory goes. Pure: it reaches the device only through the injected
// transport, DMA allocator and clock, so host tests run it against a fake
// device thread, and the kernel (virtio/blk/blk_probe.h) against QEMU's.
//
// Every request is a chain of three descriptors: header (device-readable),
// data (readable for a write, writable for a read) and status (writable), from
// one request slot: header and status are its request and response areas, the
// data its own bounce buffer. Nothing is allocated per request. read() and write() take any number
// of sectors, cut them into requests the limits allow (virtio/blk/split.h) and keep up to
// `max_in_flight` of them on the queue at once; flush() and get_id() are one
// request each.
//
// Every completion's status byte is checked. IOERR and UNSUPP fail that call
// (Error::DeviceError, Error::Unsupported); a status no device may write, a
// broken queue or a request unanswered for `timeout_ns` makes the device failed:
// every later call returns Error::DeviceError at once. Each failure is one line
// on the injected sink, "[blk] 00:04.0 ...". A write to a read-only device is
// refused (Error::ReadOnly) before anything reaches the queue.
//
// Not internally locked: its owner serialises calls (the kernel uses it from
// the boot CPU only).

namespace rota::blk {

struct BlkOptions {
    uint16_t queue_size {128}; // asked for; the device may offer fewer
    uint16_t max_slots {32}; // requests in flight at most (3 descriptors each)
    uint32_t bounce_bytes {64 * 1024}; // per slot; a multiple of 4096
    uint64_t timeout_ns {5'000'000'000}; // without a completion: the device is abandoned
};

struct BlkInfo {
    BlkConfig config;
    uint64_t features {0};
    uint16_t queue_size {0};
    uint16_t slots {0};
    uint32_t max_request_sectors {0};
    bool event_idx {false};
};

class BlkDevice {
public:
    // Initialises the device from reset to DRIVER_OK (3.1.1) with the features
    // of blk_wanted_features() (and EVENT_IDX) and one request queue. Every
    // failure is reported on `sink`. `name` ("00:04.0") prefixes log lines.
    static Expected<BlkDevice> create(virtio::PciTransport& transport, DmaAllocator& allocator,
        PollClock& clock, DiagnosticSink& sink, const char* name, const BlkOptions& options = {});

    // Destroying it resets the device before its memory is freed (or keeps
    // the memory, when the reset does not complete: virtio/device/device.h).
    BlkDevice(BlkDevice&&) = default;

    const BlkInfo& info() const { return m_info; }
    uint64_t capacity_sectors() const { return m_info.config.capacity_sectors; }
    bool read_only() const { return m_info.config.read_only; }
    bool failed() const { return m_device.failed(); }
    const char* name() const { return m_device.name(); }

    // `out.size()` / `data.size()` a multiple of 512, the range within the
    // capacity (else Error::InvalidArgument). `max_in_flight` 0: every slot.
    // Callers keep to whole device blocks (info().config.block_bytes): the
    // protocol counts 512-byte sectors (5.2.5), but QEMU answers IOERR to
    // anything smaller than its logical_block_size.
    Expected<void> read(uint64_t sector, std::span<uint8_t> out, uint16_t max_in_flight = 0);
    Expected<void> write(
        uint64_t sector, std::span<const uint8_t> data, uint16_t max_in_flight = 0);
    // VIRTIO_BLK_T_FLUSH when FLUSH was negotiated; without it the device
    // completes writes only once they are durable (5.2.5), so there is nothing
    // to do.
    Expected<void> flush();
    // VIRTIO_BLK_T_GET_ID: the serial number, NUL-terminated in `out`.
    Expected<void> get_id(char (&out)[id_bytes + 1]);

    virtio::QueueCounters take_counters() { return m_device.take_counters(); }
    uint64_t requests_completed() const { return m_completed; }
    // For host tests: where the fake device finds the rings.
    const virtio::Virtqueue& queue() const { return m_device.queue(request_queue); }

private:
    static constexpr uint16_t request_queue = 0; // 5.2.2: one queue, requestq
    static constexpr uint16_t max_slot_capacity = virtio::RequestSlots::max_slots;

    // What the request in a slot is, for its completion.
    struct Slot {
        RequestType type {};
        uint64_t sector {0};
        uint32_t sectors {0};
        uint64_t byte_offset {0}; // into the caller's buffer, for reads
    };
    // One call's requests: where reads land, the first failure.
    struct Transfer {
        uint8_t* read_into {nullptr};
        char* id_into {nullptr};
        bool failed {false};
        Error error {};
    };

    BlkDevice(virtio::Device device, const BlkInfo& info, const BlkOptions& options);

    Expected<void> transfer(RequestType type, uint64_t sector, std::span<uint8_t> read_into,
        std::span<const uint8_t> write_from, uint16_t max_in_flight);
    Expected<void> single(RequestType type, Transfer& transfer, uint32_t data_bytes);
    Expected<uint16_t> submit(RequestType type, uint64_t sector, uint32_t data_bytes,
        const uint8_t* write_from, uint64_t byte_offset);
    Expected<void> reap_one(Transfer& transfer);
    void finish(uint16_t slot, Transfer& transfer);

    uint16_t in_flight() const { return m_device.slots().in_flight(); }
    // "[blk] 00:04.0 ...": the driver's own lines.
    __attribute__((format(printf, 2, 3))) void report(const char* format, ...);

    virtio::Device m_device;
    BlkInfo m_info {};
    BlkOptions m_options {};
    Slot m_slots[max_slot_capacity] {};
    uint64_t m_completed {0};
};

} // namespace rota::blk
