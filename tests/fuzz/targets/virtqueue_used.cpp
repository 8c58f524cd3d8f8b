#include <cstring>
#include <map>

#include "fuzz_target.h"
#include "support/fuzz_input.h"
#include "support/host_dma.h"
#include "virtio/queue/virtqueue.h"

// A real split virtqueue (virtio 1.2, 2.7) against a device that is partly
// honest and partly hostile, one operation per input byte: the driver adds,
// kicks and polls; the device completes what it was given, or writes any used
// element, used.idx, used.flags or avail_event it likes. Whatever it does,
// the queue hands out only tokens of requests it published and has not
// completed, never more bytes than a chain could take, keeps its
// descriptor accounting, and once broken stays broken (Linux's
// BAD_RING).
//
// Input: setup (size 1 << (n % 9), bit 7: EVENT_IDX), then operations, each
// an opcode byte (n % 10, see Harness::step) and its operands.
namespace {

using namespace rota;
using namespace rota::virtio;

class CountingNotifier final : public Notifier {
public:
    void notify(const Doorbell&) override { ++notifies; }
    uint64_t notifies {0};
};

// Time that moves only when the queue relaxes, so wait() ends at once.
class StepClock final : public PollClock {
public:
    uint64_t now_ns() override { return m_now; }
    void relax() override { m_now += 1000; }

private:
    uint64_t m_now {0};
};

struct Request {
    uint32_t writable;
    uint16_t descriptors;
    bool published;
};

class Harness {
public:
    Harness(Virtqueue& queue, uint16_t size)
        : m_queue(queue)
        , m_size(size)
        , m_layout(RingLayout::for_size(size))
        , m_avail(reinterpret_cast<uint8_t*>(queue.driver_area().get()))
        , m_used(reinterpret_cast<uint8_t*>(queue.device_area().get()))
    {
    }

    void step(fuzz::FuzzInput& input)
    {
        bool was_broken = m_queue.broken();
        switch (input.take<uint8_t>() % 10) {
        case 0:
        case 1:
            add(input, was_broken);
            break;
        case 2:
            kick(was_broken);
            break;
        case 3:
        case 4:
            poll(was_broken);
            break;
        case 5:
            complete_honestly(input);
            break;
        case 6:
            write_used_element(input.take<uint32_t>(), input.take<uint32_t>());
            break;
        case 7:
            store16(m_used + RingLayout::used_idx, m_device_used);
            break;
        case 8:
            store16(m_used + RingLayout::used_idx, input.take<uint16_t>());
            break;
        case 9: {
            uint16_t value = input.take<uint16_t>();
            store16(
                m_used + ((value & 1) ? m_layout.avail_event() : RingLayout::used_flags), value);
            break;
        }
        }
        check_accounting();
    }

    void wait_once()
    {
        StepClock clock;
        bool was_broken = m_queue.broken();
        auto completion = m_queue.wait(clock, 5000);
        if (completion.has_value())
            accept(completion.value());
        else
            check_error(completion.error(), was_broken, Error::Timeout);
    }

private:
    static uint16_t load16(const uint8_t* at)
    {
        uint16_t value;
        std::memcpy(&value, at, 2);
        return value;
    }
    static void store16(uint8_t* at, uint16_t value) { std::memcpy(at, &value, 2); }

    void add(fuzz::FuzzInput& input, bool was_broken)
    {
        uint8_t shape = input.take<uint8_t>();
        Segment readable[3];
        Segment writable[3];
        size_t readable_count = shape % 4 < 3 ? shape % 4 : 0;
        size_t writable_count = (shape / 4) % 4 < 3 ? (shape / 4) % 4 : 0;
        uint64_t writable_bytes = 0;
        bool zero_length = false;
        for (size_t i = 0; i < readable_count + writable_count; ++i) {
            uint32_t length = input.take<uint16_t>();
            zero_length |= length == 0;
            Segment segment {PhysAddr(0x100000 + i * 0x1000), length};
            if (i < readable_count) {
                readable[i] = segment;
            } else {
                writable[i - readable_count] = segment;
                writable_bytes += length;
            }
        }
        uint64_t token = ++m_next_token;
        uint16_t free_before = m_queue.free_descriptors();
        auto added = m_queue.add(
            std::span(readable, readable_count), std::span(writable, writable_count), token);
        size_t count = readable_count + writable_count;
        if (added.has_value()) {
            FUZZ_CHECK(!was_broken && count > 0 && !zero_length && count <= free_before);
            m_requests[token] = Request {uint32_t(writable_bytes), uint16_t(count), false};
            m_descriptors += count;
            return;
        }
        if (was_broken) {
            FUZZ_CHECK(added.error() == Error::DeviceError);
            return;
        }
        FUZZ_CHECK(added.error() == Error::InvalidArgument || added.error() == Error::OutOfMemory);
        FUZZ_CHECK(count == 0 || zero_length || count > free_before);
    }

    void kick(bool was_broken)
    {
        auto kicked = m_queue.kick();
        if (kicked.is_error()) {
            FUZZ_CHECK(was_broken && kicked.error() == Error::DeviceError);
            return;
        }
        FUZZ_CHECK(!was_broken);
        for (auto& [token, request] : m_requests)
            request.published = true;
    }

    void poll(bool was_broken)
    {
        auto polled = m_queue.poll();
        if (polled.is_error()) {
            check_error(polled.error(), was_broken, Error::DeviceError);
            return;
        }
        FUZZ_CHECK(!was_broken);
        if (polled.value().has_value())
            accept(*polled.value());
    }

    // A completion the queue handed out: a request it published, not yet
    // completed, with no more bytes written than the chain could hold.
    void accept(const Completion& completion)
    {
        auto found = m_requests.find(completion.token);
        FUZZ_CHECK(found != m_requests.end());
        if (found == m_requests.end())
            return;
        FUZZ_CHECK(found->second.published);
        FUZZ_CHECK(completion.written <= found->second.writable);
        m_descriptors -= found->second.descriptors;
        m_requests.erase(found);
    }

    void check_error(Error error, bool was_broken, Error allowed)
    {
        // A healthy queue fails only with `allowed`; a device error breaks it for good.
        if (error == Error::DeviceError)
            FUZZ_CHECK(m_queue.broken() && m_queue.broken_reason()[0] != 0);
        else
            FUZZ_CHECK(!was_broken && error == allowed);
    }

    // The device takes the next chain the driver made available and uses it,
    // as QEMU does (2.7.13 seen from the other side), without publishing
    // used.idx yet.
    void complete_honestly(fuzz::FuzzInput& input)
    {
        uint16_t avail_idx = load16(m_avail + RingLayout::avail_idx);
        if (avail_idx == m_device_avail)
            return;
        uint16_t head
            = load16(m_avail + RingLayout::avail_ring(m_device_avail & uint16_t(m_size - 1)));
        ++m_device_avail;
        write_used_element(head, input.take<uint16_t>());
    }

    void write_used_element(uint32_t id, uint32_t len)
    {
        uint8_t* elem = m_used + RingLayout::used_ring(m_device_used & uint16_t(m_size - 1));
        VirtqUsedElem used {id, len};
        std::memcpy(elem, &used, sizeof used);
        ++m_device_used;
    }

    void check_accounting()
    {
        if (m_queue.broken())
            return;
        FUZZ_CHECK(m_queue.in_flight() == m_requests.size());
        FUZZ_CHECK(m_queue.free_descriptors() == m_size - m_descriptors);
    }

    Virtqueue& m_queue;
    uint16_t m_size;
    RingLayout m_layout;
    uint8_t* m_avail;
    uint8_t* m_used;
    std::map<uint64_t, Request> m_requests; // added, not completed
    size_t m_descriptors {0}; // held by m_requests
    uint64_t m_next_token {0};
    uint16_t m_device_avail {0}; // the next available entry the device takes
    uint16_t m_device_used {0}; // the next used entry the device writes
};

} // namespace

ROTA_FUZZ_TARGET(virtqueue_used)
{
    fuzz::FuzzInput input(data);
    uint8_t setup = input.take<uint8_t>();
    VirtqueueConfig config;
    config.size = uint16_t(1u << (setup % 9)); // 1 .. 256
    config.event_idx = (setup & 0x80) != 0;
    fuzz::HostDma dma;
    CountingNotifier notifier;
    auto queue = Virtqueue::create(dma, notifier, config);
    FUZZ_CHECK(queue.has_value());
    if (queue.is_error())
        return;
    Harness harness(queue.value(), config.size);
    while (input.remaining() > 0)
        harness.step(input);
    harness.wait_once();
}
