#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/lib/addr.h"
#include "core/lib/expected.h"
#include "core/mem/dma.h"
#include "core/sync/wake_signal.h"
#include "core/time/poll_clock.h"
#include "virtio/queue/notifier.h"
#include "virtio/queue/queue_counters.h"
#include "virtio/queue/ring_layout.h"

// A split virtqueue, driver side (virtio 1.2, 2.7).
//
// Requests are chains of device-readable then device-writable segments, each
// with a caller token; any number may be in flight up to the queue size in
// descriptors. add() fills descriptors and available-ring slots without showing
// them to the device; kick() publishes everything added since the last kick
// with one write barrier, decides once (after the one full fence) whether the
// device wants a notification, and rings the doorbell at most once. poll() and
// wait() consume used elements.
//
// Device-writable memory is never trusted: the queue keeps a private shadow of
// every descriptor (addr, len, flags, next) and of avail.idx, never reads the
// descriptor table or avail ring back, and checks every used element (id in
// range and the head of a chain in flight; len clamped to the chain's writable
// bytes). A violation breaks the queue: from then on every call returns
// Error::DeviceError (Linux's BAD_RING) and broken_reason() says why; the
// caller resets the device or falls back.
//
// Used buffer notifications ("callbacks", 2.7.7 and 2.7.10) start disabled:
// a polling owner never hears from the device. An owner that sleeps enables
// them only for the sleep, with the re-check that closes the race against the
// device (Linux's virtqueue_enable_cb_prepare / virtqueue_poll):
// enable_callbacks_prepare() tells the device to notify, one full fence, then
// has_arrived() looks at used.idx once more. Either that look sees the
// completion, or the device, which fences between publishing used.idx and
// reading the driver's flags or used_event (2.7.10, 2.7.7.1), sees callbacks
// on and interrupts. sleep_until_used() is that sequence around a WakeSignal.
//
// Not internally locked: its owner serialises calls. Kick only after the
// device is DRIVER_OK (3.1.1); adds before that are fine. Destroying it frees
// the rings: the device must be reset first, which virtio::Device
// (virtio/device/device.h) does for the queues it holds.

namespace rota::virtio {

struct Segment {
    PhysAddr address;
    uint32_t length; // non-zero
};

struct Completion {
    uint64_t token;
    uint32_t written; // bytes the device wrote into the writable segments
    bool len_clamped; // the device reported more than the writable length
};

struct VirtqueueConfig {
    uint16_t index {0};
    uint16_t size {0}; // a power of two, 1..32768
    bool event_idx {false}; // VIRTIO_F_EVENT_IDX was negotiated
    uint32_t notify_offset {0};
};

class Virtqueue {
public:
    // Allocates and zeroes the rings (one DMA allocation) and the private
    // shadow (a second allocation the device is never told about).
    static Expected<Virtqueue> create(
        DmaAllocator& allocator, Notifier& notifier, const VirtqueueConfig& config);

    // The rings move with their DmaRegions; a moved-from queue owns nothing.
    Virtqueue(Virtqueue&&) = default;
    Virtqueue& operator=(Virtqueue&&) = default;

    // 2.7.13 steps 1-2: one chain, readable segments first. Error::InvalidArgument
    // for an empty chain, a zero-length segment or more segments than the queue
    // has descriptors; Error::OutOfMemory when not enough descriptors are free now.
    Expected<void> add(
        std::span<const Segment> readable, std::span<const Segment> writable, uint64_t token);

    // 2.7.13 steps 4-7. Returns whether the doorbell was rung (false also when
    // nothing was added since the last kick).
    Expected<bool> kick();

    // 2.7.14: the next completion, or nullopt (counted as a spin) if there is none.
    Expected<std::optional<Completion>> poll();

    // Polls until a completion arrives or `timeout_ns` passes on `clock`
    // (Error::Timeout; the requests stay in flight).
    Expected<Completion> wait(PollClock& clock, uint64_t timeout_ns);

    // Interrupt-driven waiting. The interrupt handler only signals the
    // WakeSignal; completions are consumed here, in the waiting context, with
    // callbacks disabled again (disabled while draining).
    //
    // Asks the device to notify once `count` more buffers are used (1: the
    // next one; more, with EVENT_IDX, part-way into a batch: used_event is
    // set that far ahead, 2.7.10; without EVENT_IDX every buffer notifies).
    // `count` is clamped to what is in flight. Returns the used index the
    // count starts from, for has_arrived().
    uint16_t enable_callbacks_prepare(uint16_t count = 1);
    // After one full fence, whether the `count` buffers asked for have been
    // used since `snapshot`. True means: do not sleep, drain.
    bool has_arrived(uint16_t snapshot);
    // enable_callbacks_prepare() and has_arrived() together: true when
    // callbacks are on and nothing has arrived (safe to sleep), false when
    // the device was quicker (drain first, then try again).
    bool enable_callbacks(uint16_t count = 1);
    // The device need not notify. With EVENT_IDX, used_event is left one
    // behind the consumed entries, where used.idx cannot reach it; without,
    // the NO_INTERRUPT flag (2.7.7). A hint only: a notification already on
    // its way still arrives, and is harmless.
    void disable_callbacks();
    bool callbacks_enabled() const { return m_callbacks_enabled; }
    // Without consuming anything and without counting a spin: whether the
    // device has used a buffer not yet consumed.
    bool has_used();

    // Sleeps on `signal` until `count` more buffers are used or `deadline_ns`
    // passes; returns at once if they are there already. Callbacks are on only
    // during the sleep. The caller then poll()s.
    void sleep_until_used(WakeSignal& signal, uint64_t deadline_ns, uint16_t count = 1);

    // wait() with the interrupt: sleeps between looks instead of relaxing.
    // `clock` measures the timeout; Error::Timeout after `timeout_ns`.
    Expected<Completion> wait(PollClock& clock, WakeSignal& signal, uint64_t timeout_ns);

    // Returns the counters and resets them to zero.
    QueueCounters take_counters();

    uint16_t index() const { return m_config.index; }
    uint16_t size() const { return m_config.size; }
    uint16_t free_descriptors() const { return m_free_count; }
    uint16_t in_flight() const { return m_in_flight; }
    bool event_idx() const { return m_config.event_idx; }
    bool broken() const { return m_broken_reason[0] != 0; }
    // Whether the rings are allocated (false once moved from, or kept).
    bool owns_rings() const { return m_ring.owns_memory(); }
    // For a device that did not complete its reset: the rings it may still
    // write stay allocated for good; the private shadow is freed. Returns the
    // bytes kept.
    size_t keep_rings_forever() { return m_ring.keep_forever(); }
    const char* broken_reason() const { return m_broken_reason; }
    // For the transport (4.1.5.1.3): queue_desc, queue_driver, queue_device.
    PhysAddr descriptor_area() const { return m_ring.phys(m_layout.desc_offset); }
    PhysAddr driver_area() const { return m_ring.phys(m_layout.avail_offset); }
    PhysAddr device_area() const { return m_ring.phys(m_layout.used_offset); }

private:
    // The private copy of one descriptor: what the device was told, and the
    // free list's link while the descriptor is free.
    struct ShadowDesc {
        uint64_t addr;
        uint32_t len;
        uint16_t flags;
        uint16_t next;
    };
    // Per chain head: the request in flight there.
    struct ChainState {
        uint64_t token;
        uint32_t writable_bytes;
        uint16_t length; // descriptors in the chain; 0: not in flight
        uint16_t tail;
        // m_kicks when added: the device may use the chain only once a later
        // kick() has published it, i.e. while batch < m_kicks.
        uint64_t batch;
    };

    Virtqueue(Notifier& notifier, const VirtqueueConfig& config, DmaRegion ring, DmaRegion shadow);
    Expected<std::optional<Completion>> consume_one();
    __attribute__((format(printf, 2, 3))) Unexpected mark_broken(const char* format, ...);

    // The shadow region holds the descriptors' copies, then the chains.
    ShadowDesc* shadow_desc() const { return m_shadow.as<ShadowDesc>(); }
    ChainState* chains() const
    {
        return m_shadow.as<ChainState>(m_config.size * sizeof(ShadowDesc));
    }
    VirtqDesc* shared_desc(uint16_t i) const;
    uint16_t* avail_field(size_t offset) const;
    uint16_t* used_field(size_t offset) const;

    // The barriers of barriers.h, counted.
    void write_barrier();
    void full_barrier();
    void read_barrier();

    Notifier* m_notifier {nullptr};
    VirtqueueConfig m_config {};
    RingLayout m_layout {};
    DmaRegion m_ring; // shared with the device
    DmaRegion m_shadow; // private: shadow_desc() then chains()

    uint16_t m_free_head {0};
    uint16_t m_free_count {0};
    uint16_t m_in_flight {0}; // chains added and not yet completed
    uint16_t m_avail_idx {0}; // shadow of avail.idx as last published
    uint16_t m_unpublished {0}; // chains added since the last kick
    uint64_t m_kicks {0}; // kick() calls that published something
    uint16_t m_last_used {0}; // next used ring entry to consume
    uint16_t m_seen_used {0}; // used.idx as last read (entries up to it are checked visible)
    uint16_t m_callback_count {1}; // buffers the last enable_callbacks_prepare() asked for
    bool m_callbacks_enabled {false};
    char m_broken_reason[96] {}; // empty while the queue is healthy
    QueueCounters m_counters {};
};

} // namespace rota::virtio
