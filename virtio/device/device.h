#pragma once

#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/lib/expected.h"
#include "core/log/diagnostic_sink.h"
#include "core/mem/dma.h"
#include "core/time/poll_clock.h"
#include "virtio/device/device_init.h"
#include "virtio/device/request_slots.h"
#include "virtio/queue/queue_counters.h"
#include "virtio/queue/virtqueue.h"
#include "virtio/transport/pci_transport.h"

// The generic virtio device: what every rota driver shares, between the
// transport (virtio/transport/) and a driver that speaks one device type's
// protocol (virtio/blk/, virtio/gpu/). SerenityOS's Kernel/Bus/VirtIO/Device
// is the model. A Device
//
//  - initialises the device through DeviceInit (virtio 1.2, 3.1.1): start()
//    resets it and negotiates features, setup_queue() and allocate_slots()
//    are step 7 (with the driver's own configuration reads), finish() sets
//    DRIVER_OK. Each failure sets FAILED and is one line on the sink,
//    "[virtio-blk] 00:04.0 <step> failed: <reason>";
//  - holds the queues and a pool of preallocated request slots
//    (virtio/device/request_slots.h), and puts each request on a queue as one
//    chain: the slot's request area, the caller's further segments, the
//    slot's response area. Each completion is handed to the driver, then its
//    slot is free again;
//  - has one deadline wait (wait()): until the driver's condition holds (its
//    request completed, nothing in flight) or a timeout on the PollClock,
//    sleeping on the queue's interrupt between looks where the transport has
//    one (virtio/transport/device_interrupts.h), polling otherwise;
//  - knows when it failed and why: a broken queue, a timeout, or what the
//    driver found (fail()). A failed device refuses every later request;
//  - tears down in order: the device is reset (2.1.1, 4.1.4.3.2) before the
//    rings and slots are freed. If that reset does not complete in time, the
//    device may still write them: they stay allocated for good, and a line
//    says how much was kept.
//
// The transport, allocator, clock and sink outlive the device; the device is
// the transport's only user. Not internally locked: its driver serialises calls.

namespace rota::virtio {

// One request's descriptor chain (2.7.13.1), around its slot's own areas.
struct SlotChain {
    uint32_t request_bytes {0}; // read from the slot's request area, first
    std::span<const Segment> readable {}; // further device-readable segments
    std::span<const Segment> writable {}; // device-writable segments, before the response
    uint32_t response_bytes {0}; // written to the slot's response area, last (0: none)
};

class Device {
public:
    static constexpr uint16_t max_queues = 2;
    static constexpr size_t max_extra_segments = 3; // per direction, in a SlotChain

    // Steps 1-6 of 3.1.1: reset, ACKNOWLEDGE, DRIVER, feature negotiation.
    // `tag` ("[virtio-blk]") and `name` ("00:04.0") begin every line.
    static Expected<Device> start(PciTransport& transport, DmaAllocator& allocator,
        PollClock& clock, DiagnosticSink& sink, const char* tag, const char* name,
        const FeatureRequest& features);

    Device(Device&&) = default;
    Device& operator=(Device&&) = delete;
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;
    // Resets the device, then frees its rings and slots (or keeps them, see above).
    ~Device();

    // Step 7. `what` names the queue in the failure line ("request queue").
    Expected<void> setup_queue(uint16_t index, uint16_t wanted_size, const char* what);
    Expected<void> allocate_slots(const SlotLayout& layout);
    // The driver found the device unusable during setup: sets FAILED and logs
    // "<tag> <name> <step> failed: <reason>".
    Unexpected give_up(Error error, const char* step, const char* reason);
    // Step 8: DRIVER_OK.
    Expected<void> finish();

    PciTransport& transport() const { return *m_transport; }
    PollClock& clock() const { return *m_clock; }
    const char* name() const { return m_name; }
    uint64_t offered_features() const { return m_init.offered_features(); }
    uint64_t features() const { return m_init.features(); }
    bool has(uint64_t feature_mask) const { return m_init.has(feature_mask); }
    Virtqueue& queue(uint16_t index);
    const Virtqueue& queue(uint16_t index) const;
    RequestSlots& slots() { return m_slots; }
    const RequestSlots& slots() const { return m_slots; }

    bool failed() const { return m_failure[0] != 0; }
    // Why the device failed; empty while it works.
    const char* failure() const { return m_failure; }
    // Error::DeviceError once the device failed.
    Expected<void> usable() const;
    // Marks the device failed with the reason given (not logged: the driver
    // says what it means for its device) and returns `error`. The first
    // reason is kept.
    __attribute__((format(printf, 3, 4))) Unexpected fail(Error error, const char* format, ...);
    // One line "<tag> <name> <text>" on the sink.
    __attribute__((format(printf, 2, 3))) void report(const char* format, ...);
    // The same with another tag, for a driver whose run-time lines have one
    // of their own ("[blk]").
    void vreport(const char* tag, const char* format, va_list args);

    // A free slot for a request; Error::Busy when every slot is in flight.
    Expected<uint16_t> acquire_slot();
    // Puts `slot`'s request on queue `queue` (published by the next kick).
    // On failure the slot is released: Error::Busy when the queue has too few
    // free descriptors now, Error::DeviceError (the device failed) when the
    // queue refused it for any other reason.
    Expected<void> submit(uint16_t queue, uint16_t slot, const SlotChain& chain);
    // Publishes what was submitted and rings the doorbell if the device wants it.
    Expected<void> kick(uint16_t queue);

    // One look at the used ring: hands a completion to `on_completion(slot,
    // completion)` and frees its slot (Progress), or finds none (Idle). A
    // broken queue fails the device.
    template<class OnCompletion>
    Expected<PollStep> poll(uint16_t queue, OnCompletion&& on_completion);
    // Handles every completion that has arrived, without waiting.
    template<class OnCompletion>
    Expected<void> reap(uint16_t queue, OnCompletion&& on_completion);
    // The deadline wait: handles completions until `done()` holds, or fails
    // the device with Error::Timeout after `timeout_ns` without one.
    template<class Done, class OnCompletion>
    Expected<void> wait(
        uint16_t queue, uint64_t timeout_ns, Done&& done, OnCompletion&& on_completion);

    // The counters of every queue, summed, then reset.
    QueueCounters take_counters();

    // Stops the device now (a display that is abandoned): resets it and marks
    // it failed. Error::Timeout when the reset did not complete: its memory is
    // then kept (and a line says so).
    Expected<void> shut_down();

private:
    Device(PciTransport& transport, DmaAllocator& allocator, PollClock& clock, DiagnosticSink& sink,
        const char* tag, const char* name);

    Unexpected init_failed(const char* step, Error error);
    Expected<PollStep> poll_failed(uint16_t queue);
    // Where a wait on `queue` sleeps: its interrupt's signal, or null (polled).
    WakeSignal* interrupt_signal(uint16_t queue) const;
    // Whether the device may hold addresses of memory this object owns.
    bool device_holds_memory() const;
    Expected<void> reset_or_keep_memory();

    PciTransport* m_transport;
    DmaAllocator* m_allocator;
    PollClock* m_clock;
    DiagnosticSink* m_sink;
    DeviceInit m_init;
    std::optional<Virtqueue> m_queues[max_queues];
    RequestSlots m_slots;
    bool m_reset_done {false}; // shut_down() reset it: nothing to do at teardown
    const char* m_tag;
    char m_name[16] {};
    char m_failure[128] {};
};

template<class OnCompletion>
Expected<PollStep> Device::poll(uint16_t index, OnCompletion&& on_completion)
{
    auto polled = queue(index).poll();
    if (polled.is_error())
        return poll_failed(index);
    if (!polled.value().has_value())
        return PollStep::Idle;
    const Completion& completion = *polled.value();
    // The queue checked that the used id heads a chain in flight, and every
    // chain's token is the slot it was submitted from.
    ROTA_ASSERT(completion.token < m_slots.count() && m_slots.busy(uint16_t(completion.token)));
    auto slot = uint16_t(completion.token);
    on_completion(slot, completion);
    m_slots.release(slot);
    if (failed())
        return make_error(Error::DeviceError);
    return PollStep::Progress;
}

template<class OnCompletion>
Expected<void> Device::reap(uint16_t index, OnCompletion&& on_completion)
{
    TRY(usable());
    // Poll only while something is in flight: an empty poll is a spin, and a
    // reap that finds everything done should not count one.
    while (queue(index).in_flight() > 0) {
        if (TRY(poll(index, on_completion)) == PollStep::Idle)
            break;
    }
    return {};
}

template<class Done, class OnCompletion>
Expected<void> Device::wait(
    uint16_t index, uint64_t timeout_ns, Done&& done, OnCompletion&& on_completion)
{
    TRY(usable());
    WakeSignal* signal = interrupt_signal(index);
    Expected<void> waited = {};
    if (signal == nullptr) {
        waited = poll_until(*m_clock, timeout_ns, [&]() -> Expected<PollStep> {
            if (done())
                return PollStep::Done;
            return poll(index, on_completion);
        });
    } else {
        // With interrupts the used ring is read only once the device has
        // used something (a look before a sleep is not a spin), and between
        // looks the wait sleeps until the queue's interrupt, with callbacks
        // on only for the sleep (Virtqueue::sleep_until_used).
        Virtqueue& q = queue(index);
        waited = poll_until(
            *m_clock, timeout_ns,
            [&]() -> Expected<PollStep> {
                if (done())
                    return PollStep::Done;
                if (!q.has_used())
                    return PollStep::Idle;
                return poll(index, on_completion);
            },
            [&](uint64_t deadline_ns) { q.sleep_until_used(*signal, deadline_ns); });
    }
    if (waited.is_error() && waited.error() == Error::Timeout)
        return fail(Error::Timeout, "%u requests unanswered after %lu ms", queue(index).in_flight(),
            timeout_ns / 1'000'000);
    return waited;
}

} // namespace rota::virtio
