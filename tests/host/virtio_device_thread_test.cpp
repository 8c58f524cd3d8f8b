// The split virtqueue against a fake device on its own thread (docs/ARCHITECTURE.md):
// requests cross real shared memory, the device checks their bytes and writes
// replies, and the driver validates what comes back. Run under
// ThreadSanitizer with -DROTA_TSAN=ON.

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <deque>
#include <map>
#include <random>
#include <vector>

#include "virtio/queue/virtqueue.h"
#include "virtio_fake_device.h"
#include "virtio_host_support.h"

using rota::Error;
using rota::PhysAddr;
using rota::virtio::Completion;
using rota::virtio::Segment;
using rota::virtio::Virtqueue;
using rota::virtio::VirtqueueConfig;
using namespace virtio_test;

namespace {

constexpr uint32_t request_magic = 0x41544f52; // "ROTA"
constexpr uint64_t generous_ns = 10'000'000'000;

struct TestRequest {
    uint32_t magic;
    uint32_t sequence;
    uint32_t reply_bytes;
};

uint8_t reply_byte(uint32_t sequence, uint32_t k)
{
    return uint8_t(sequence * 7 + k);
}

// The device side of the test protocol: check the request, fill the reply.
uint32_t answer(FakeRequest& request, std::atomic<int>& bad_requests)
{
    TestRequest r;
    if (request.readable.size() != sizeof(r)) {
        ++bad_requests;
        return 0;
    }
    std::memcpy(&r, request.readable.data(), sizeof(r));
    if (r.magic != request_magic || r.reply_bytes > request.writable_bytes) {
        ++bad_requests;
        return 0;
    }
    uint32_t k = 0;
    for (auto& [bytes, length] : request.writable) {
        for (uint32_t i = 0; i < length && k < r.reply_bytes; ++i, ++k)
            bytes[i] = reply_byte(r.sequence, k);
    }
    return r.reply_bytes;
}

// One request slot: the request header and a reply buffer split into two
// writable segments, so chains have three descriptors.
struct Slot {
    TestRequest request {};
    uint8_t reply[48] {};
};

class VirtioDeviceThreadTest : public ::testing::Test {
protected:
    Virtqueue make_queue(uint16_t size, bool event_idx)
    {
        auto queue
            = Virtqueue::create(allocator, notifier, VirtqueueConfig {0, size, event_idx, 0});
        EXPECT_TRUE(queue.has_value());
        return queue.release_value();
    }

    void kick_batches(Virtqueue& queue, uint32_t rounds, uint32_t seed);

    FakeHandler handler()
    {
        return [this](FakeRequest& request) { return answer(request, bad_requests); };
    }

    void add_request(
        Virtqueue& queue, Slot& slot, uint32_t sequence, uint64_t token, uint32_t reply_bytes = 40)
    {
        slot.request = TestRequest {request_magic, sequence, reply_bytes};
        std::memset(slot.reply, 0, sizeof(slot.reply));
        Segment readable[] = {{PhysAddr(address_of(&slot.request)), sizeof(TestRequest)}};
        Segment writable[] = {{PhysAddr(address_of(slot.reply)), 16},
            {PhysAddr(address_of(slot.reply + 16)), sizeof(slot.reply) - 16}};
        auto added = queue.add(readable, writable, token);
        ASSERT_TRUE(added.has_value()) << rota::error_name(added.error());
    }

    void expect_reply(const Slot& slot, const Completion& completion, uint32_t reply_bytes = 40)
    {
        EXPECT_EQ(completion.written, reply_bytes);
        EXPECT_FALSE(completion.len_clamped);
        for (uint32_t k = 0; k < reply_bytes; ++k)
            ASSERT_EQ(slot.reply[k], reply_byte(slot.request.sequence, k)) << "byte " << k;
    }

    HostDmaAllocator allocator;
    CountingNotifier notifier;
    SteadyPollClock clock;
    std::atomic<int> bad_requests {0};
};

} // namespace

TEST_F(VirtioDeviceThreadTest, OneRequestAtATimeInOrder)
{
    Virtqueue queue = make_queue(8, false);
    FakeQueueDevice device(queue, notifier, handler());
    device.start();
    Slot slot;
    for (uint32_t i = 0; i < 200; ++i) {
        add_request(queue, slot, i, 1000 + i);
        ASSERT_TRUE(queue.kick().has_value());
        auto completion = queue.wait(clock, generous_ns);
        ASSERT_TRUE(completion.has_value()) << rota::error_name(completion.error());
        EXPECT_EQ(completion->token, 1000u + i);
        expect_reply(slot, *completion);
    }
    device.stop();
    EXPECT_EQ(queue.free_descriptors(), 8);
    EXPECT_EQ(queue.in_flight(), 0);
    EXPECT_TRUE(device.errors().empty()) << device.errors()[0];
    EXPECT_EQ(bad_requests.load(), 0);
    auto counters = queue.take_counters();
    EXPECT_EQ(counters.completions, 200u);
    EXPECT_EQ(counters.notifies, 200u); // the fake never sets NO_NOTIFY unless notification-driven
}

TEST_F(VirtioDeviceThreadTest, OutOfOrderCompletionsReachTheirTokens)
{
    Virtqueue queue = make_queue(16, false);
    FakeBehaviour behaviour;
    behaviour.batch = 4;
    behaviour.reverse_batches = true;
    FakeQueueDevice device(queue, notifier, handler(), behaviour);
    device.start();
    Slot slots[4];
    for (int round = 0; round < 50; ++round) {
        for (uint32_t i = 0; i < 4; ++i)
            add_request(queue, slots[i], uint32_t(round * 4) + i, i);
        ASSERT_TRUE(queue.kick().has_value());
        for (uint32_t expected = 4; expected-- > 0;) {
            auto completion = queue.wait(clock, generous_ns);
            ASSERT_TRUE(completion.has_value());
            ASSERT_EQ(completion->token, expected); // last-first
            expect_reply(slots[expected], *completion);
        }
        ASSERT_EQ(queue.free_descriptors(), 16);
    }
    device.stop();
    EXPECT_TRUE(device.errors().empty());
    EXPECT_EQ(bad_requests.load(), 0);
}

TEST_F(VirtioDeviceThreadTest, LateDeviceIsWaitedFor)
{
    Virtqueue queue = make_queue(8, false);
    FakeBehaviour behaviour;
    behaviour.delay = std::chrono::milliseconds(60);
    FakeQueueDevice device(queue, notifier, handler(), behaviour);
    device.start();
    Slot slot;
    add_request(queue, slot, 5, 77);
    ASSERT_TRUE(queue.kick().has_value());
    auto start = std::chrono::steady_clock::now();
    auto completion = queue.wait(clock, generous_ns);
    auto waited = std::chrono::steady_clock::now() - start;
    ASSERT_TRUE(completion.has_value());
    EXPECT_EQ(completion->token, 77u);
    expect_reply(slot, *completion);
    EXPECT_GE(waited, std::chrono::milliseconds(50));
    EXPECT_GT(queue.take_counters().spins, 0u);
    device.stop();
}

TEST_F(VirtioDeviceThreadTest, SilentDeviceTimesOutOnTheClock)
{
    Virtqueue queue = make_queue(8, false);
    FakeBehaviour behaviour;
    behaviour.never_answer = true;
    FakeQueueDevice device(queue, notifier, handler(), behaviour);
    device.start();
    Slot slot;
    add_request(queue, slot, 1, 1);
    ASSERT_TRUE(queue.kick().has_value());
    auto start = std::chrono::steady_clock::now();
    auto completion = queue.wait(clock, 150'000'000);
    auto waited = std::chrono::steady_clock::now() - start;
    ASSERT_TRUE(completion.is_error());
    EXPECT_EQ(completion.error(), Error::Timeout);
    EXPECT_GE(waited, std::chrono::milliseconds(150));
    EXPECT_LT(waited, std::chrono::seconds(5));
    EXPECT_FALSE(queue.broken());
    EXPECT_EQ(queue.in_flight(), 1); // still the device's
    device.stop();
}

TEST_F(VirtioDeviceThreadTest, BadUsedIdBreaksTheQueueWithoutCrashing)
{
    Virtqueue queue = make_queue(8, false);
    FakeBehaviour behaviour;
    behaviour.corrupt_id = 8 + 3;
    FakeQueueDevice device(queue, notifier, handler(), behaviour);
    device.start();
    Slot slot;
    add_request(queue, slot, 1, 1);
    ASSERT_TRUE(queue.kick().has_value());
    auto completion = queue.wait(clock, generous_ns);
    ASSERT_TRUE(completion.is_error());
    EXPECT_EQ(completion.error(), Error::DeviceError);
    EXPECT_TRUE(queue.broken());
    EXPECT_NE(std::string(queue.broken_reason()).find("out of range"), std::string::npos)
        << queue.broken_reason();
    Segment segment {PhysAddr(address_of(&slot.request)), sizeof(TestRequest)};
    EXPECT_EQ(queue.add({&segment, 1}, {}, 2).error(), Error::DeviceError);
    EXPECT_EQ(queue.kick().error(), Error::DeviceError);
    EXPECT_EQ(queue.poll().error(), Error::DeviceError);
    EXPECT_EQ(queue.wait(clock, 1000).error(), Error::DeviceError);
    device.stop();
}

TEST_F(VirtioDeviceThreadTest, OverReportedLenIsClampedAndCounted)
{
    Virtqueue queue = make_queue(8, false);
    FakeBehaviour behaviour;
    behaviour.extra_len = 1000;
    FakeQueueDevice device(queue, notifier, handler(), behaviour);
    device.start();
    Slot slot;
    add_request(queue, slot, 9, 9);
    ASSERT_TRUE(queue.kick().has_value());
    auto completion = queue.wait(clock, generous_ns);
    ASSERT_TRUE(completion.has_value());
    EXPECT_EQ(completion->written, sizeof(slot.reply)); // the chain's writable bytes
    EXPECT_TRUE(completion->len_clamped);
    EXPECT_FALSE(queue.broken());
    EXPECT_EQ(queue.take_counters().len_overreports, 1u);
    device.stop();
}

// More than 65,536 requests: avail.idx, used.idx and used_event wrap.
TEST_F(VirtioDeviceThreadTest, IndicesWrapPast65536Requests)
{
    for (bool event_idx : {false, true}) {
        SCOPED_TRACE(event_idx ? "EVENT_IDX" : "flags");
        Virtqueue queue = make_queue(16, event_idx);
        FakeQueueDevice device(queue, notifier, handler());
        device.start();
        constexpr uint32_t total = 70'000;
        std::vector<Slot> slots(5); // 5 chains of 3 descriptors fill 15 of 16
        std::deque<uint32_t> free_slots {0, 1, 2, 3, 4};
        std::map<uint64_t, uint32_t> sequence_of; // token (slot) -> sequence
        std::mt19937 random(42);
        uint32_t sent = 0, received = 0;
        while (received < total) {
            size_t batch = std::uniform_int_distribution<size_t>(1, free_slots.size())(random);
            for (size_t i = 0; i < batch && sent < total && !free_slots.empty(); ++i) {
                uint32_t s = free_slots.front();
                free_slots.pop_front();
                add_request(queue, slots[s], sent, s, 1 + sent % 40);
                sequence_of[s] = sent++;
            }
            ASSERT_TRUE(queue.kick().has_value());
            do {
                auto completion = queue.wait(clock, generous_ns);
                ASSERT_TRUE(completion.has_value()) << rota::error_name(completion.error());
                uint32_t s = uint32_t(completion->token);
                ASSERT_EQ(slots[s].request.sequence, sequence_of[s]);
                expect_reply(slots[s], *completion, 1 + sequence_of[s] % 40);
                free_slots.push_back(s);
                ++received;
            } while (free_slots.size() < 2 && received < total);
        }
        device.stop();
        EXPECT_TRUE(device.errors().empty());
        EXPECT_EQ(bad_requests.load(), 0);
        EXPECT_EQ(queue.in_flight(), 0);
        EXPECT_EQ(queue.take_counters().completions, uint64_t(total));
        auto* avail_idx = reinterpret_cast<uint16_t*>(queue.driver_area().get() + 2);
        EXPECT_EQ(*avail_idx, uint16_t(total)); // wrapped once
    }
}

// `rounds` times: a batch of 1 to 10 requests, one kick, and a wait for each
// completion (a wait that times out fails the test).
void VirtioDeviceThreadTest::kick_batches(Virtqueue& queue, uint32_t rounds, uint32_t seed)
{
    std::vector<Slot> slots(10);
    std::mt19937 random(seed);
    for (uint32_t round = 0; round < rounds; ++round) {
        size_t batch = std::uniform_int_distribution<size_t>(1, slots.size())(random);
        for (size_t i = 0; i < batch; ++i)
            add_request(queue, slots[i], round * 16 + uint32_t(i), i);
        ASSERT_TRUE(queue.kick().has_value());
        for (size_t i = 0; i < batch; ++i) {
            auto completion = queue.wait(clock, 5'000'000'000);
            ASSERT_TRUE(completion.has_value())
                << "round " << round << ": " << rota::error_name(completion.error());
            expect_reply(slots[completion->token], *completion);
        }
    }
}

// A device that looks at the ring only when kicked, and suppresses kicks as
// QEMU does (NO_NOTIFY while busy, or avail_event): if the driver ever skipped
// a needed notification, a wait would time out.
TEST_F(VirtioDeviceThreadTest, SuppressedNotificationsAreNeverMissed)
{
    for (bool event_idx : {false, true}) {
        SCOPED_TRACE(event_idx ? "EVENT_IDX" : "NO_NOTIFY");
        Virtqueue queue = make_queue(32, event_idx);
        FakeBehaviour behaviour;
        behaviour.notification_driven = true;
        FakeQueueDevice device(queue, notifier, handler(), behaviour);
        device.start();
        uint64_t notifies_before = notifier.count.load();
        constexpr uint64_t kicks = 3000;
        kick_batches(queue, kicks, 7);
        device.stop();
        uint64_t notifies = notifier.count.load() - notifies_before;
        // Never missed: every wait above completed, and the device sleeps
        // until it is notified. Every doorbell written was counted.
        EXPECT_GE(notifies, 1u);
        EXPECT_LE(notifies, kicks);
        EXPECT_EQ(queue.take_counters().notifies, notifies);
        EXPECT_TRUE(device.errors().empty());
    }
}

// The other half of notification suppression: a device that never sleeps and
// says so (NO_NOTIFY, or avail_event that never moves) gets no doorbell it
// did not ask for. A driver that notified on every kick would ring 3000 times.
TEST_F(VirtioDeviceThreadTest, SuppressedNotificationsAreSuppressed)
{
    for (bool event_idx : {false, true}) {
        SCOPED_TRACE(event_idx ? "EVENT_IDX" : "NO_NOTIFY");
        Virtqueue queue = make_queue(32, event_idx);
        FakeBehaviour behaviour;
        behaviour.always_busy = true;
        FakeQueueDevice device(queue, notifier, handler(), behaviour);
        device.start();
        uint64_t notifies_before = notifier.count.load();
        kick_batches(queue, 3000, 11);
        device.stop();
        uint64_t notifies = notifier.count.load() - notifies_before;
        // With EVENT_IDX and avail_event at 0, only the kick that moves
        // avail.idx past 0 needs one (2.7.10, vring_need_event).
        EXPECT_EQ(notifies, event_idx ? 1u : 0u);
        EXPECT_EQ(queue.take_counters().notifies, notifies);
        EXPECT_TRUE(device.errors().empty());
    }
}
