// The split virtqueue, step by step and single-threaded: the test plays the
// device by reading and writing the shared rings directly (virtio 1.2, 2.7).

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "virtio/queue/event_idx.h"
#include "virtio/queue/perf_line.h"
#include "virtio/queue/virtqueue.h"
#include "virtio_fake_device.h"
#include "virtio_host_support.h"

using rota::Error;
using rota::PhysAddr;
using rota::virtio::Completion;
using rota::virtio::QueueCounters;
using rota::virtio::Segment;
using rota::virtio::Virtqueue;
using rota::virtio::VirtqueueConfig;
using rota::virtio::vring_need_event;
using namespace virtio_test;

namespace {

// The device's view of the rings, with offsets from the spec (2.7.5-2.7.8).
struct DeviceView {
    explicit DeviceView(const Virtqueue& q)
        : desc(reinterpret_cast<uint8_t*>(q.descriptor_area().get()))
        , avail(reinterpret_cast<uint8_t*>(q.driver_area().get()))
        , used(reinterpret_cast<uint8_t*>(q.device_area().get()))
        , size(q.size())
    {
    }
    template<class T>
    T get(const uint8_t* base, size_t offset) const
    {
        T value;
        std::memcpy(&value, base + offset, sizeof(T));
        return value;
    }
    template<class T>
    void put(uint8_t* base, size_t offset, T value)
    {
        std::memcpy(base + offset, &value, sizeof(T));
    }
    uint64_t desc_addr(uint16_t i) const { return get<uint64_t>(desc, 16 * i); }
    uint32_t desc_len(uint16_t i) const { return get<uint32_t>(desc, 16 * i + 8); }
    uint16_t desc_flags(uint16_t i) const { return get<uint16_t>(desc, 16 * i + 12); }
    uint16_t desc_next(uint16_t i) const { return get<uint16_t>(desc, 16 * i + 14); }
    uint16_t avail_flags() const { return get<uint16_t>(avail, 0); }
    uint16_t avail_idx() const { return get<uint16_t>(avail, 2); }
    uint16_t avail_ring(uint16_t slot) const { return get<uint16_t>(avail, 4 + 2 * (slot % size)); }
    uint16_t used_event() const { return get<uint16_t>(avail, 4 + 2 * size); }
    void set_used_flags(uint16_t flags) { put<uint16_t>(used, 0, flags); }
    void set_avail_event(uint16_t event) { put<uint16_t>(used, 4 + 8 * size, event); }
    // Writes one used element and publishes it.
    void complete(uint32_t id, uint32_t len)
    {
        put<uint32_t>(used, 4 + 8 * (used_idx % size), id);
        put<uint32_t>(used, 8 + 8 * (used_idx % size), len);
        put<uint16_t>(used, 2, ++used_idx);
    }
    void complete_without_publishing(uint32_t id, uint32_t len)
    {
        put<uint32_t>(used, 4 + 8 * (used_idx % size), id);
        put<uint32_t>(used, 8 + 8 * (used_idx % size), len);
        ++used_idx;
    }
    void publish() { put<uint16_t>(used, 2, used_idx); }

    uint8_t* desc;
    uint8_t* avail;
    uint8_t* used;
    uint16_t size;
    uint16_t used_idx {0};
};

class VirtioQueueTest : public ::testing::Test {
protected:
    Virtqueue make(
        uint16_t size, bool event_idx = false, uint16_t index = 0, uint32_t notify_offset = 0)
    {
        auto q = Virtqueue::create(
            allocator, notifier, VirtqueueConfig {index, size, event_idx, notify_offset});
        EXPECT_TRUE(q.has_value());
        return q.release_value();
    }
    // A chain of `readable` + `writable` 64-byte segments over `buffer`.
    rota::Expected<void> add(Virtqueue& q, size_t readable, size_t writable, uint64_t token)
    {
        std::vector<Segment> r, w;
        for (size_t i = 0; i < readable; ++i)
            r.push_back({PhysAddr(address_of(buffer + 64 * i)), 64});
        for (size_t i = 0; i < writable; ++i)
            w.push_back({PhysAddr(address_of(buffer + 64 * (readable + i))), 64});
        return q.add(r, w, token);
    }

    HostDmaAllocator allocator;
    CountingNotifier notifier;
    ManualPollClock clock;
    alignas(64) uint8_t buffer[64 * 64] {};
};

} // namespace

TEST(VirtioVringNeedEvent, MatchesTheSpecWindowIncludingTheWrap)
{
    // Notify when event_idx is in [old, new).
    for (uint32_t old_base : {0u, 100u, 65530u, 65535u}) {
        uint16_t old_idx = uint16_t(old_base);
        for (uint16_t added = 1; added <= 8; ++added) {
            uint16_t new_idx = uint16_t(old_idx + added);
            for (int delta = -4; delta < 12; ++delta) {
                uint16_t event = uint16_t(old_idx + delta);
                bool expected = delta >= 0 && delta < added;
                EXPECT_EQ(vring_need_event(event, new_idx, old_idx), expected)
                    << "old=" << old_idx << " new=" << new_idx << " event=" << event;
            }
        }
    }
}

TEST_F(VirtioQueueTest, RingsAreAlignedZeroedAndAskForNoInterrupts)
{
    Virtqueue q = make(64);
    EXPECT_EQ(q.descriptor_area().get() % 16, 0u);
    EXPECT_EQ(q.driver_area().get() % 2, 0u);
    EXPECT_EQ(q.device_area().get() % 4, 0u);
    EXPECT_GE(q.driver_area().get(), q.descriptor_area().get() + 16 * 64);
    EXPECT_GE(q.device_area().get(), q.driver_area().get() + 6 + 2 * 64);
    DeviceView d(q);
    EXPECT_EQ(d.avail_flags(), 1); // VIRTQ_AVAIL_F_NO_INTERRUPT
    EXPECT_EQ(d.avail_idx(), 0);
    for (size_t i = 0; i < 6 + 8 * 64; ++i)
        ASSERT_EQ(d.used[i], 0) << "used ring byte " << i;
    EXPECT_EQ(q.free_descriptors(), 64);

    Virtqueue e = make(8, true);
    DeviceView de(e);
    EXPECT_EQ(de.avail_flags(), 0); // 2.7.7: must be 0 with EVENT_IDX
    EXPECT_EQ(de.used_event(), 0xffff); // one behind used.idx: never reached
}

TEST_F(VirtioQueueTest, ChainIsReadableThenWritableAndHiddenUntilKick)
{
    Virtqueue q = make(8);
    ASSERT_TRUE(add(q, 2, 1, 5).has_value());
    DeviceView d(q);
    uint16_t head = d.avail_ring(0);
    EXPECT_EQ(d.avail_idx(), 0); // not yet published
    uint16_t second = d.desc_next(head);
    uint16_t third = d.desc_next(second);
    EXPECT_EQ(d.desc_flags(head), 1); // NEXT
    EXPECT_EQ(d.desc_flags(second), 1);
    EXPECT_EQ(d.desc_flags(third), 2); // WRITE, end of chain
    EXPECT_EQ(d.desc_addr(head), address_of(buffer));
    EXPECT_EQ(d.desc_addr(second), address_of(buffer + 64));
    EXPECT_EQ(d.desc_addr(third), address_of(buffer + 128));
    EXPECT_EQ(d.desc_len(third), 64u);
    EXPECT_EQ(q.free_descriptors(), 5);
    EXPECT_EQ(q.in_flight(), 1);

    auto kicked = q.kick();
    ASSERT_TRUE(kicked.has_value());
    EXPECT_TRUE(*kicked);
    EXPECT_EQ(d.avail_idx(), 1);
    EXPECT_EQ(notifier.count.load(), 1u);
}

TEST_F(VirtioQueueTest, BatchOfAddsIsOneKickTwoFencesOneNotify)
{
    Virtqueue q = make(64, false, 3, 12);
    for (uint64_t i = 0; i < 10; ++i)
        ASSERT_TRUE(add(q, 1, 1, i).has_value());
    EXPECT_EQ(notifier.count.load(), 0u);
    ASSERT_TRUE(q.kick().has_value());
    DeviceView d(q);
    EXPECT_EQ(d.avail_idx(), 10);
    EXPECT_EQ(notifier.count.load(), 1u);
    EXPECT_EQ(notifier.last_queue.load(), 3);
    EXPECT_EQ(notifier.last_offset.load(), 12u);
    QueueCounters c = q.take_counters();
    EXPECT_EQ(c.fences, 2u); // virtio_wmb + virtio_mb
    EXPECT_EQ(c.notifies, 1u);
    EXPECT_EQ(c.spins, 0u);
    // Read and reset in one call.
    EXPECT_EQ(q.take_counters().fences, 0u);
    // Nothing new: no barrier, no doorbell.
    auto again = q.kick();
    ASSERT_TRUE(again.has_value());
    EXPECT_FALSE(*again);
    EXPECT_EQ(q.take_counters().fences, 0u);
}

TEST_F(VirtioQueueTest, UsedNoNotifyFlagSuppressesTheDoorbell)
{
    Virtqueue q = make(8);
    DeviceView d(q);
    d.set_used_flags(1); // VIRTQ_USED_F_NO_NOTIFY
    ASSERT_TRUE(add(q, 1, 0, 1).has_value());
    auto kicked = q.kick();
    ASSERT_TRUE(kicked.has_value());
    EXPECT_FALSE(*kicked);
    EXPECT_EQ(d.avail_idx(), 1); // published all the same
    d.set_used_flags(0);
    ASSERT_TRUE(add(q, 1, 0, 2).has_value());
    EXPECT_TRUE(*q.kick());
    EXPECT_EQ(notifier.count.load(), 1u);
}

TEST_F(VirtioQueueTest, EventIdxGivesOneNotificationForTwoRequests)
{
    Virtqueue q = make(8, true);
    DeviceView d(q);
    d.set_used_flags(1); // ignored with EVENT_IDX (2.7.10)
    d.set_avail_event(0); // the device asks to hear about entry 0 only
    ASSERT_TRUE(add(q, 1, 0, 1).has_value());
    EXPECT_TRUE(*q.kick()); // entry 0 published: due
    ASSERT_TRUE(add(q, 1, 0, 2).has_value());
    EXPECT_FALSE(*q.kick()); // entry 1: the device did not ask
    EXPECT_EQ(notifier.count.load(), 1u);
    EXPECT_EQ(d.avail_idx(), 2);

    d.set_avail_event(2); // now it asks for entry 2
    ASSERT_TRUE(add(q, 1, 0, 3).has_value());
    ASSERT_TRUE(add(q, 1, 0, 4).has_value());
    EXPECT_TRUE(*q.kick()); // entries 2 and 3 in one batch: one doorbell
    EXPECT_EQ(notifier.count.load(), 2u);
    EXPECT_EQ(q.take_counters().notifies, 2u);
}

TEST_F(VirtioQueueTest, EventIdxBatchCrossingTheEventNotifiesOnce)
{
    Virtqueue q = make(8, true);
    DeviceView d(q);
    d.set_avail_event(1);
    ASSERT_TRUE(add(q, 1, 0, 1).has_value());
    ASSERT_TRUE(add(q, 1, 0, 2).has_value());
    ASSERT_TRUE(add(q, 1, 0, 3).has_value());
    EXPECT_TRUE(*q.kick()); // 0..2 includes 1
    EXPECT_EQ(notifier.count.load(), 1u);
}

TEST_F(VirtioQueueTest, CompletionsInAnyOrderRecycleDescriptors)
{
    Virtqueue q = make(8);
    DeviceView d(q);
    ASSERT_TRUE(add(q, 1, 1, 100).has_value());
    ASSERT_TRUE(add(q, 1, 2, 200).has_value());
    ASSERT_TRUE(add(q, 1, 1, 300).has_value());
    ASSERT_TRUE(q.kick().has_value());
    EXPECT_EQ(q.free_descriptors(), 1);
    uint16_t h100 = d.avail_ring(0), h200 = d.avail_ring(1), h300 = d.avail_ring(2);
    q.take_counters();

    auto none = q.poll();
    ASSERT_TRUE(none.has_value());
    EXPECT_FALSE(none->has_value());
    EXPECT_EQ(q.take_counters().spins, 1u);

    d.complete(h200, 100);
    d.complete(h300, 7);
    auto first = q.poll();
    ASSERT_TRUE(first.has_value() && first->has_value());
    EXPECT_EQ((*first)->token, 200u);
    EXPECT_EQ((*first)->written, 100u);
    auto second = q.poll();
    ASSERT_TRUE(second.has_value() && second->has_value());
    EXPECT_EQ((*second)->token, 300u);
    EXPECT_EQ((*second)->written, 7u);
    QueueCounters c = q.take_counters();
    EXPECT_EQ(c.fences, 1u); // one virtio_rmb for the one new used.idx
    EXPECT_EQ(c.completions, 2u);
    EXPECT_EQ(q.free_descriptors(), 6);

    d.complete(h100, 0);
    auto third = q.poll();
    ASSERT_TRUE(third.has_value() && third->has_value());
    EXPECT_EQ((*third)->token, 100u);
    EXPECT_EQ(q.free_descriptors(), 8);
    EXPECT_EQ(q.in_flight(), 0);

    // Every descriptor can be used again, in one long chain.
    ASSERT_TRUE(add(q, 4, 4, 400).has_value());
    EXPECT_EQ(q.free_descriptors(), 0);
    EXPECT_EQ(add(q, 1, 0, 500).error(), Error::OutOfMemory);
}

TEST_F(VirtioQueueTest, UsedEventTrailsTheConsumedEntriesWithEventIdx)
{
    Virtqueue q = make(4, true);
    DeviceView d(q);
    for (uint16_t i = 0; i < 10; ++i) {
        ASSERT_TRUE(add(q, 1, 0, i).has_value());
        ASSERT_TRUE(q.kick().has_value());
        d.complete(d.avail_ring(i), 0);
        auto c = q.poll();
        ASSERT_TRUE(c.has_value() && c->has_value());
        EXPECT_EQ(d.used_event(), i); // consumed i+1 entries: one behind
    }
}

TEST_F(VirtioQueueTest, MalformedChainsAreRefused)
{
    Virtqueue q = make(4);
    EXPECT_EQ(q.add({}, {}, 1).error(), Error::InvalidArgument);
    Segment empty {PhysAddr(address_of(buffer)), 0};
    EXPECT_EQ(q.add({&empty, 1}, {}, 1).error(), Error::InvalidArgument);
    EXPECT_EQ(add(q, 3, 2, 1).error(), Error::InvalidArgument); // 5 > 4 descriptors
    ASSERT_TRUE(add(q, 2, 1, 1).has_value());
    EXPECT_EQ(add(q, 1, 1, 2).error(), Error::OutOfMemory); // 1 free
    EXPECT_EQ(q.free_descriptors(), 1);
    EXPECT_FALSE(q.broken());
}

TEST_F(VirtioQueueTest, UsedIdOutOfRangeBreaksTheQueue)
{
    Virtqueue q = make(8);
    DeviceView d(q);
    ASSERT_TRUE(add(q, 1, 1, 1).has_value());
    ASSERT_TRUE(q.kick().has_value());
    d.complete(8, 0);
    EXPECT_EQ(q.poll().error(), Error::DeviceError);
    EXPECT_TRUE(q.broken());
    EXPECT_EQ(std::string(q.broken_reason()), "used id 8 out of range (size 8)");
    EXPECT_EQ(add(q, 1, 0, 2).error(), Error::DeviceError);
    EXPECT_EQ(q.kick().error(), Error::DeviceError);
    EXPECT_EQ(q.wait(clock, 1'000'000).error(), Error::DeviceError);
}

TEST_F(VirtioQueueTest, UsedIdThatIsNotAChainHeadBreaksTheQueue)
{
    Virtqueue q = make(8);
    DeviceView d(q);
    ASSERT_TRUE(add(q, 1, 1, 1).has_value());
    ASSERT_TRUE(q.kick().has_value());
    uint16_t head = d.avail_ring(0);
    d.complete(d.desc_next(head), 0); // the second descriptor of the chain
    EXPECT_EQ(q.poll().error(), Error::DeviceError);
    EXPECT_NE(std::string(q.broken_reason()).find("not the head"), std::string::npos);
}

TEST_F(VirtioQueueTest, CompletingTheSameChainTwiceBreaksTheQueue)
{
    Virtqueue q = make(8);
    DeviceView d(q);
    ASSERT_TRUE(add(q, 1, 0, 1).has_value());
    ASSERT_TRUE(add(q, 1, 0, 2).has_value());
    ASSERT_TRUE(q.kick().has_value());
    uint16_t head = d.avail_ring(0);
    d.complete(head, 0);
    d.complete(head, 0);
    auto first = q.poll();
    ASSERT_TRUE(first.has_value() && first->has_value());
    EXPECT_EQ(q.poll().error(), Error::DeviceError);
}

TEST_F(VirtioQueueTest, UsedIdxBeyondWhatWasPublishedBreaksTheQueue)
{
    Virtqueue q = make(8);
    DeviceView d(q);
    ASSERT_TRUE(add(q, 1, 0, 1).has_value());
    ASSERT_TRUE(q.kick().has_value());
    ASSERT_TRUE(add(q, 1, 0, 2).has_value()); // added, not published
    d.complete_without_publishing(d.avail_ring(0), 0);
    d.complete_without_publishing(d.avail_ring(1), 0);
    d.publish(); // claims 2 used with 1 published
    EXPECT_EQ(q.poll().error(), Error::DeviceError);
    EXPECT_NE(std::string(q.broken_reason()).find("published"), std::string::npos);
}

// Found by tests/fuzz/targets/virtqueue_used.cpp: a device that names a chain
// the driver added but has not kicked yet was handed that chain's token, and
// the chain went back on the free list while its head still waited in the
// available ring for the next kick to publish it.
TEST_F(VirtioQueueTest, UsedIdOfAChainNotYetPublishedBreaksTheQueue)
{
    Virtqueue q = make(8);
    DeviceView d(q);
    ASSERT_TRUE(add(q, 1, 0, 1).has_value());
    ASSERT_TRUE(q.kick().has_value());
    ASSERT_TRUE(add(q, 1, 0, 2).has_value()); // added, not published
    uint16_t unpublished_head = d.avail_ring(1);
    d.complete(unpublished_head, 0); // one used for one published: the count is right
    auto polled = q.poll();
    ASSERT_TRUE(polled.is_error()) << "handed out token " << (*polled)->token;
    EXPECT_EQ(polled.error(), Error::DeviceError);
    EXPECT_NE(std::string(q.broken_reason()).find("not published"), std::string::npos)
        << q.broken_reason();
}

TEST_F(VirtioQueueTest, OverReportedLenIsClampedNotFatal)
{
    Virtqueue q = make(8);
    DeviceView d(q);
    ASSERT_TRUE(add(q, 1, 2, 1).has_value()); // 128 writable bytes
    ASSERT_TRUE(q.kick().has_value());
    d.complete(d.avail_ring(0), 129);
    auto c = q.poll();
    ASSERT_TRUE(c.has_value() && c->has_value());
    EXPECT_EQ((*c)->written, 128u);
    EXPECT_TRUE((*c)->len_clamped);
    EXPECT_EQ(q.take_counters().len_overreports, 1u);
    EXPECT_FALSE(q.broken());
}

TEST_F(VirtioQueueTest, WaitTimesOutOnTheInjectedClock)
{
    Virtqueue q = make(8);
    ASSERT_TRUE(add(q, 1, 1, 1).has_value());
    ASSERT_TRUE(q.kick().has_value());
    q.take_counters();
    clock.step_ns = 1'000'000;
    auto c = q.wait(clock, 50'000'000);
    EXPECT_EQ(c.error(), Error::Timeout);
    EXPECT_EQ(clock.relaxes, 50u);
    EXPECT_EQ(q.take_counters().spins, 51u); // every poll that found nothing
    EXPECT_FALSE(q.broken());
}

TEST_F(VirtioQueueTest, MovedQueueKeepsWorkingAndFreesOnce)
{
    {
        Virtqueue a = make(8);
        ASSERT_TRUE(add(a, 1, 0, 1).has_value());
        Virtqueue b(std::move(a));
        EXPECT_EQ(allocator.live(), 2);
        ASSERT_TRUE(b.kick().has_value());
        DeviceView d(b);
        d.complete(d.avail_ring(0), 0);
        auto c = b.poll();
        ASSERT_TRUE(c.has_value() && c->has_value());
        Virtqueue other = make(4);
        other = std::move(b);
        EXPECT_EQ(allocator.live(), 2);
        EXPECT_EQ(other.size(), 8);
    }
    EXPECT_EQ(allocator.live(), 0);
}

TEST_F(VirtioQueueTest, AllocationFailureLeaksNothing)
{
    allocator.fail_after = 1; // the ring succeeds, the shadow fails
    auto q = Virtqueue::create(allocator, notifier, VirtqueueConfig {0, 8, false, 0});
    ASSERT_TRUE(q.is_error());
    EXPECT_EQ(q.error(), Error::OutOfMemory);
    EXPECT_EQ(allocator.live(), 0);
}

TEST(VirtioPerfLine, HasTheSpecSpelling)
{
    char line[128];
    QueueCounters c;
    c.fences = 3;
    c.spins = 0;
    c.completions = 2;
    c.notifies = 1;
    c.len_overreports = 9;
    size_t length = rota::virtio::virtio_perf_line(line, sizeof(line), c);
    EXPECT_STREQ(line, "[VIRTIO PERF] fences=3 spins=0 completions=2 notifies=1");
    EXPECT_EQ(length, std::strlen(line));
    QueueCounters sum = c;
    sum += c;
    EXPECT_EQ(sum.fences, 6u);
    EXPECT_EQ(sum.len_overreports, 18u);
}

// --- callbacks: used buffer notifications for a driver that sleeps ---------------

namespace {

// A WakeSignal whose "sleep" lets the test act as the device, then reports
// whether it would have been woken.
class ScriptedSignal final : public rota::WakeSignal {
public:
    void arm() override
    {
        ++arms;
        signalled = false;
    }
    void sleep_until(uint64_t deadline_ns) override
    {
        ++sleeps;
        last_deadline = deadline_ns;
        if (during_sleep)
            during_sleep();
        if (!signalled)
            clock->now = deadline_ns; // nobody woke us: the timer did
    }
    std::function<void()> during_sleep;
    ManualPollClock* clock {nullptr};
    bool signalled {false};
    int arms {0};
    int sleeps {0};
    uint64_t last_deadline {0};
};

} // namespace

TEST_F(VirtioQueueTest, CallbacksStartDisabledAndToggleTheFlag)
{
    Virtqueue q = make(8);
    DeviceView d(q);
    EXPECT_FALSE(q.callbacks_enabled());
    EXPECT_EQ(d.avail_flags(), 1);
    ASSERT_TRUE(add(q, 1, 1, 7).has_value());
    ASSERT_TRUE(q.kick().has_value());
    EXPECT_TRUE(q.enable_callbacks()) << "nothing used yet: safe to sleep";
    EXPECT_TRUE(q.callbacks_enabled());
    EXPECT_EQ(d.avail_flags(), 0);
    q.disable_callbacks();
    EXPECT_EQ(d.avail_flags(), 1);
    EXPECT_FALSE(q.callbacks_enabled());
}

TEST_F(VirtioQueueTest, EnablingReChecksWhatTheDeviceAlreadyUsed)
{
    for (bool event_idx : {false, true}) {
        Virtqueue q = make(8, event_idx);
        DeviceView d(q);
        ASSERT_TRUE(add(q, 1, 1, 7).has_value());
        ASSERT_TRUE(q.kick().has_value());
        // The device completes while callbacks are still off, and so does not
        // interrupt: the enable must notice instead.
        d.complete(d.avail_ring(0), 64);
        EXPECT_TRUE(q.has_used());
        (void)q.take_counters();
        EXPECT_FALSE(q.enable_callbacks()) << "event_idx=" << event_idx;
        EXPECT_EQ(q.take_counters().fences, 1u) << "the one full fence before the re-check";
        q.disable_callbacks();
        auto c = q.poll();
        ASSERT_TRUE(c.has_value() && c->has_value());
        EXPECT_EQ((*c)->token, 7u);
        EXPECT_FALSE(q.has_used());
    }
}

TEST_F(VirtioQueueTest, EventIdxAsksForTheNextEntryOrPartWayIntoABatch)
{
    Virtqueue q = make(8, true);
    DeviceView d(q);
    EXPECT_EQ(d.avail_flags(), 0) << "with EVENT_IDX the flag stays 0 (2.7.7.2)";
    EXPECT_EQ(d.used_event(), 0xffff) << "disabled: one behind the consumed entries";
    for (uint64_t t = 0; t < 4; ++t)
        ASSERT_TRUE(add(q, 0, 1, t).has_value());
    ASSERT_TRUE(q.kick().has_value());

    uint16_t snapshot = q.enable_callbacks_prepare(1);
    EXPECT_EQ(snapshot, 0);
    EXPECT_EQ(d.used_event(), 0) << "notify when entry 0 is used";
    EXPECT_FALSE(q.has_arrived(snapshot));

    snapshot = q.enable_callbacks_prepare(3);
    EXPECT_EQ(d.used_event(), 2) << "notify when the third is used";
    d.complete(d.avail_ring(0), 64);
    d.complete(d.avail_ring(1), 64);
    EXPECT_FALSE(q.has_arrived(snapshot)) << "two of three";
    d.complete(d.avail_ring(2), 64);
    EXPECT_TRUE(q.has_arrived(snapshot));

    // More than is in flight is clamped to what is.
    q.enable_callbacks_prepare(50);
    EXPECT_EQ(d.used_event(), 3);

    // Consuming with callbacks on keeps used_event at the next entry;
    // disabling puts it behind again.
    auto first = q.poll();
    ASSERT_TRUE(first.has_value() && first->has_value());
    EXPECT_EQ(d.used_event(), 1);
    q.disable_callbacks();
    EXPECT_EQ(d.used_event(), 0);
    auto second = q.poll();
    ASSERT_TRUE(second.has_value() && second->has_value());
    EXPECT_EQ(d.used_event(), 1) << "disabled: one behind the 2 consumed";
}

TEST_F(VirtioQueueTest, InterruptWaitSleepsOnlyWhenNothingHasArrived)
{
    Virtqueue q = make(8, true);
    DeviceView d(q);
    ScriptedSignal signal;
    signal.clock = &clock;
    ASSERT_TRUE(add(q, 1, 1, 41).has_value());
    ASSERT_TRUE(q.kick().has_value());
    // The device answers during the sleep and interrupts, as it must with
    // used_event at the entry it writes.
    signal.during_sleep = [&] {
        EXPECT_TRUE(q.callbacks_enabled()) << "on while asleep";
        EXPECT_EQ(d.used_event(), 0);
        d.complete(d.avail_ring(0), 64);
        signal.signalled = true;
    };
    auto c = q.wait(clock, signal, 1'000'000'000);
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c->token, 41u);
    EXPECT_EQ(signal.sleeps, 1);
    EXPECT_EQ(signal.last_deadline, 1'000'000u + 1'000'000'000u);
    EXPECT_FALSE(q.callbacks_enabled()) << "off again while draining";
    auto counters = q.take_counters();
    EXPECT_EQ(counters.spins, 0u) << "no look found nothing";
    EXPECT_EQ(counters.completions, 1u);

    // Already used before the wait: no sleep at all.
    ASSERT_TRUE(add(q, 1, 1, 42).has_value());
    ASSERT_TRUE(q.kick().has_value());
    d.complete(d.avail_ring(1), 64);
    signal.during_sleep = nullptr;
    auto again = q.wait(clock, signal, 1'000'000'000);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->token, 42u);
    EXPECT_EQ(signal.sleeps, 1);
}

TEST_F(VirtioQueueTest, InterruptWaitTimesOutWhenNoInterruptComes)
{
    Virtqueue q = make(8, false);
    ScriptedSignal signal;
    signal.clock = &clock;
    ASSERT_TRUE(add(q, 1, 1, 1).has_value());
    ASSERT_TRUE(q.kick().has_value());
    auto c = q.wait(clock, signal, 50'000'000);
    ASSERT_TRUE(c.is_error());
    EXPECT_EQ(c.error(), Error::Timeout);
    EXPECT_EQ(signal.sleeps, 1) << "one sleep, ended by the timer at the deadline";
    EXPECT_EQ(q.in_flight(), 1) << "the request stays in flight";
    EXPECT_FALSE(q.callbacks_enabled());
}

TEST_F(VirtioQueueTest, InterruptWaitOnABadUsedIndexBreaksTheQueue)
{
    Virtqueue q = make(8, false);
    DeviceView d(q);
    ScriptedSignal signal;
    signal.clock = &clock;
    ASSERT_TRUE(add(q, 1, 1, 1).has_value());
    ASSERT_TRUE(q.kick().has_value());
    d.put<uint16_t>(d.used, 2, 5); // five used of one published
    auto c = q.wait(clock, signal, 50'000'000);
    ASSERT_TRUE(c.is_error());
    EXPECT_EQ(c.error(), Error::DeviceError);
    EXPECT_TRUE(q.broken());
    EXPECT_EQ(signal.sleeps, 0);
}
