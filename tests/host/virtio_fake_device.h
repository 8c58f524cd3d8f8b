#pragma once

// A fake virtio device for one split virtqueue, on its own thread, in the
// style of rcore-os/virtio-drivers' fake_read_write_queue: it reads the rings
// through the real shared-memory layout (computed here from the spec, not from
// the driver's RingLayout), walks and checks each descriptor chain, hands the
// request to a handler that writes the reply, and publishes used elements.
// Index and flag fields are accessed with std::atomic_ref and the spec's
// ordering (acquire on avail.idx, release on used.idx), so ThreadSanitizer sees
// the same synchronisation a real device relies on.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "virtio/queue/notifier.h"
#include "virtio/queue/virtqueue.h"

namespace virtio_test {

// Counts doorbells; the notification-driven fake device sleeps on it.
class CountingNotifier final : public rota::virtio::Notifier {
public:
    void notify(const rota::virtio::Doorbell& doorbell) override
    {
        last_queue.store(doorbell.queue_index);
        last_offset.store(doorbell.notify_offset);
        count.fetch_add(1, std::memory_order_seq_cst);
    }
    std::atomic<uint64_t> count {0};
    std::atomic<uint16_t> last_queue {0xffff};
    std::atomic<uint32_t> last_offset {0};
};

struct FakeRequest {
    uint16_t head;
    std::vector<uint8_t> readable; // the readable segments, concatenated
    std::vector<std::pair<uint8_t*, uint32_t>> writable;
    uint32_t writable_bytes;
};

// Writes the reply into the request's writable segments; returns the len to report.
using FakeHandler = std::function<uint32_t(FakeRequest&)>;

struct FakeBehaviour {
    bool reverse_batches {false}; // complete each batch last-first
    size_t batch {1}; // complete only when this many are pending
    std::chrono::milliseconds delay {0}; // before completing each batch
    bool never_answer {false};
    std::optional<uint32_t> corrupt_id; // report this id for the first completion
    uint32_t extra_len {0}; // over-report every len by this much
    bool notification_driven {false}; // look at the ring only when kicked
    // The device's used buffer notification (its interrupt): called after a
    // batch is published when the driver asked for one, by the flag or by
    // used_event (virtio 1.2, 2.7.7.1, 2.7.10).
    std::function<void()> interrupt;
    // Poll the ring without ever sleeping, and say so from the start: the
    // used ring's NO_NOTIFY flag set (or, with EVENT_IDX, avail_event left
    // at 0), so a driver that honours them never needs to notify.
    bool always_busy {false};
};

// Where a queue's rings are, as the driver told the device (4.1.4.3).
struct FakeRings {
    uint64_t desc, driver, device;
    uint16_t size;
    bool event_idx;
};

class FakeQueueDevice {
public:
    FakeQueueDevice(const rota::virtio::Virtqueue& queue, CountingNotifier& notifier,
        FakeHandler handler, FakeBehaviour behaviour = {})
        : FakeQueueDevice(FakeRings {queue.descriptor_area().get(), queue.driver_area().get(),
                              queue.device_area().get(), queue.size(), queue.event_idx()},
            notifier, std::move(handler), behaviour)
    {
    }
    FakeQueueDevice(const FakeRings& rings, CountingNotifier& notifier, FakeHandler handler,
        FakeBehaviour behaviour = {})
        : m_desc(reinterpret_cast<uint8_t*>(rings.desc))
        , m_avail(reinterpret_cast<uint8_t*>(rings.driver))
        , m_used(reinterpret_cast<uint8_t*>(rings.device))
        , m_size(rings.size)
        , m_event_idx(rings.event_idx)
        , m_notifier(notifier)
        , m_handler(std::move(handler))
        , m_behaviour(behaviour)
    {
    }
    ~FakeQueueDevice() { stop(); }

    void start()
    {
        if (m_behaviour.always_busy && !m_event_idx)
            store(used_u16(0), 1, std::memory_order_seq_cst); // VIRTQ_USED_F_NO_NOTIFY
        m_thread = std::thread([this] { run(); });
    }
    void stop()
    {
        m_stop.store(true);
        if (m_thread.joinable())
            m_thread.join();
    }

    std::vector<std::string> errors()
    {
        std::lock_guard lock(m_mutex);
        return m_errors;
    }
    uint64_t completed() const { return m_completed.load(); }
    uint64_t interrupts() const { return m_interrupts.load(); }

private:
    uint16_t* avail_u16(size_t offset) const
    {
        return reinterpret_cast<uint16_t*>(m_avail + offset);
    }
    uint16_t* used_u16(size_t offset) const { return reinterpret_cast<uint16_t*>(m_used + offset); }
    static uint16_t load(uint16_t* p, std::memory_order order)
    {
        return std::atomic_ref(*p).load(order);
    }
    static void store(uint16_t* p, uint16_t v, std::memory_order order)
    {
        std::atomic_ref(*p).store(v, order);
    }

    void error(std::string text)
    {
        std::lock_guard lock(m_mutex);
        if (m_errors.size() < 20)
            m_errors.push_back(std::move(text));
    }

    // 2.7.5: walk the chain from `head` in the shared table, checking it.
    bool parse_chain(uint16_t head, FakeRequest& request)
    {
        request = FakeRequest {head, {}, {}, 0};
        uint16_t index = head;
        bool seen_writable = false;
        for (unsigned count = 0;; ++count) {
            if (index >= m_size || count >= m_size) {
                error("chain from " + std::to_string(head) + " leaves the table or loops");
                return false;
            }
            uint64_t addr;
            uint32_t len;
            uint16_t flags, next;
            const uint8_t* d = m_desc + 16 * size_t(index);
            std::memcpy(&addr, d, 8);
            std::memcpy(&len, d + 8, 4);
            std::memcpy(&flags, d + 12, 2);
            std::memcpy(&next, d + 14, 2);
            if ((flags & ~3u) != 0 || len == 0) {
                error("descriptor " + std::to_string(index) + " has flags " + std::to_string(flags)
                    + " len " + std::to_string(len));
                return false;
            }
            auto* bytes = reinterpret_cast<uint8_t*>(addr);
            if (flags & 2) {
                seen_writable = true;
                request.writable.emplace_back(bytes, len);
                request.writable_bytes += len;
            } else {
                if (seen_writable) {
                    error("readable descriptor after a writable one");
                    return false;
                }
                request.readable.insert(request.readable.end(), bytes, bytes + len);
            }
            if ((flags & 1) == 0)
                return true;
            index = next;
        }
    }

    // Takes everything published since the last look; true if there was any.
    bool drain()
    {
        uint16_t avail_idx = load(avail_u16(2), std::memory_order_acquire);
        bool any = false;
        while (m_last_avail != avail_idx) {
            uint16_t head = *avail_u16(4 + 2 * size_t(m_last_avail % m_size));
            ++m_last_avail;
            FakeRequest request;
            if (parse_chain(head, request))
                m_pending.push_back(std::move(request));
            any = true;
        }
        return any;
    }

    void complete_pending()
    {
        if (m_behaviour.never_answer || m_pending.empty() || m_pending.size() < m_behaviour.batch)
            return;
        if (m_behaviour.delay.count() > 0)
            std::this_thread::sleep_for(m_behaviour.delay);
        if (m_behaviour.reverse_batches)
            std::reverse(m_pending.begin(), m_pending.end());
        for (FakeRequest& request : m_pending) {
            uint32_t len = m_handler(request) + m_behaviour.extra_len;
            uint32_t id = request.head;
            if (m_behaviour.corrupt_id && !m_corrupted) {
                id = *m_behaviour.corrupt_id;
                m_corrupted = true;
            }
            uint8_t* elem = m_used + 4 + 8 * size_t(m_used_idx % m_size);
            std::memcpy(elem, &id, 4);
            std::memcpy(elem + 4, &len, 4);
            ++m_used_idx;
        }
        // 2.7.8: the elements (and the buffers) before used.idx, like QEMU's virtqueue_flush.
        // Sequentially consistent when the device interrupts: used.idx is
        // visible before the suppression field is read (2.7.7.1, 2.7.10).
        store(used_u16(2), m_used_idx,
            m_behaviour.interrupt ? std::memory_order_seq_cst : std::memory_order_release);
        m_completed.fetch_add(m_pending.size());
        uint16_t old_used = uint16_t(m_used_idx - m_pending.size());
        m_pending.clear();
        if (m_behaviour.interrupt && driver_wants_interrupt(old_used, m_used_idx)) {
            m_interrupts.fetch_add(1);
            m_behaviour.interrupt();
        }
    }

    // 2.7.10: with EVENT_IDX, when the move from old to new passed used_event;
    // without, unless VIRTQ_AVAIL_F_NO_INTERRUPT is set (2.7.7.1).
    bool driver_wants_interrupt(uint16_t old_idx, uint16_t new_idx) const
    {
        if (m_event_idx) {
            uint16_t event = load(avail_u16(4 + 2 * size_t(m_size)), std::memory_order_seq_cst);
            return uint16_t(new_idx - event - 1) < uint16_t(new_idx - old_idx);
        }
        return (load(avail_u16(0), std::memory_order_seq_cst) & 1) == 0;
    }

    // Like QEMU: before sleeping, tell the driver to kick on the next entry
    // (avail_event, or clearing NO_NOTIFY), then look again so an entry
    // published in between is not missed (2.7.10).
    bool ready_to_sleep()
    {
        if (m_event_idx)
            store(used_u16(4 + 8 * size_t(m_size)), m_last_avail, std::memory_order_seq_cst);
        else
            store(used_u16(0), 0, std::memory_order_seq_cst);
        if (load(avail_u16(2), std::memory_order_seq_cst) != m_last_avail)
            return false;
        return true;
    }

    void run()
    {
        uint64_t kicks_seen = 0;
        while (!m_stop.load()) {
            if (m_behaviour.notification_driven && !m_event_idx)
                store(
                    used_u16(0), 1, std::memory_order_relaxed); // VIRTQ_USED_F_NO_NOTIFY while busy
            bool any = drain();
            complete_pending();
            if (m_behaviour.notification_driven) {
                if (!ready_to_sleep())
                    continue;
                while (!m_stop.load() && m_notifier.count.load() == kicks_seen)
                    std::this_thread::yield();
                kicks_seen = m_notifier.count.load();
            } else if (!any) {
                std::this_thread::yield();
            }
        }
    }

    uint8_t* m_desc;
    uint8_t* m_avail;
    uint8_t* m_used;
    uint16_t m_size;
    bool m_event_idx;
    CountingNotifier& m_notifier;
    FakeHandler m_handler;
    FakeBehaviour m_behaviour;

    uint16_t m_last_avail {0};
    uint16_t m_used_idx {0};
    bool m_corrupted {false};
    std::vector<FakeRequest> m_pending;
    std::atomic<bool> m_stop {false};
    std::atomic<uint64_t> m_completed {0};
    std::atomic<uint64_t> m_interrupts {0};
    std::mutex m_mutex;
    std::vector<std::string> m_errors; // Protected by m_mutex.
    std::thread m_thread;
};

} // namespace virtio_test
