// The generic virtio device tier (virtio/device/device.h) on its own, with a
// made-up request protocol: initialisation through DeviceInit, request slots,
// the deadline wait, failure with its reason, and teardown that resets the
// device before its memory goes, or keeps the memory when the reset never
// completes. The drivers' own tests (blk_device_test.cpp, gpu_device_test.cpp)
// cover the same paths through real protocols.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

#include "support/fake_wake_signal.h"
#include "support/virtio_pci_rig.h"
#include "virtio/device/device.h"
#include "virtio/device/features.h"
#include "virtio_fake_device.h"

using rota::Error;
using rota::PhysAddr;
using rota::virtio::Completion;
using rota::virtio::Device;
using rota::virtio::SlotChain;
using rota::virtio::SlotLayout;
using namespace virtio_test;
namespace feature = rota::virtio::feature;

namespace {

constexpr uint8_t reply_byte = 0x5a;

class VirtioDeviceTest : public ::testing::Test {
protected:
    VirtioDeviceTest()
    {
        rig.common.num_queues = 1;
        rig.common.queues = {FakeQueueRegs {8, 8, 0, 0, 0}};
        rig.common.device_features = feature::version_1 | feature::event_idx;
        rig.common.on_queue_enable = [this](uint16_t, const FakeQueueRegs& q) {
            bool event_idx = (rig.common.driver_features & feature::event_idx) != 0;
            fake = std::make_unique<FakeQueueDevice>(
                FakeRings {q.desc, q.driver, q.device, q.size, event_idx}, unused,
                [](FakeRequest& request) {
                    // Echo the request's first byte, then fill the rest.
                    for (auto& [bytes, length] : request.writable)
                        std::memset(bytes, reply_byte, length);
                    request.writable[0].first[0] = request.readable.at(0);
                    return request.writable_bytes;
                },
                behaviour);
            fake->start();
        };
        rig.common.on_reset = [this] {
            if (fake)
                fake->stop();
        };
        rig.require_reset_before_free();
        layout.count = 4;
        layout.request_bytes = 16;
        layout.response_bytes = 8;
        layout.buffer_bytes = 4096;
        layout.buffer_align = 4096;
    }

    std::optional<Device> open(rota::PollClock& with_clock)
    {
        auto started = Device::start(rig.transport, rig.allocator, with_clock, rig.sink,
            "[virtio-test]", "00:05.0", {feature::event_idx, 0});
        if (started.is_error())
            return std::nullopt;
        Device device = started.release_value();
        if (device.setup_queue(0, 8, "test queue").is_error()
            || device.allocate_slots(layout).is_error() || device.finish().is_error())
            return std::nullopt;
        return std::optional<Device>(std::move(device));
    }
    std::optional<Device> open() { return open(clock); }

    // One request from a slot: `first` in its request area, a reply expected
    // in its response area.
    uint16_t submit(Device& device, uint8_t first)
    {
        auto slot = device.acquire_slot();
        EXPECT_TRUE(slot.has_value());
        device.slots().request(*slot)[0] = first;
        SlotChain chain;
        chain.request_bytes = layout.request_bytes;
        chain.response_bytes = layout.response_bytes;
        EXPECT_TRUE(device.submit(0, *slot, chain).has_value());
        return *slot;
    }

    VirtioPciRig rig;
    SteadyPollClock clock;
    CountingNotifier unused;
    FakeBehaviour behaviour;
    SlotLayout layout;
    std::unique_ptr<FakeQueueDevice> fake; // last: stopped first
};

} // namespace

TEST_F(VirtioDeviceTest, InitialisesInTheSpecOrderAndResetsBeforeFreeing)
{
    auto device = open();
    ASSERT_TRUE(device) << rig.sink.all();
    // 3.1.1: reset, ACKNOWLEDGE, DRIVER, FEATURES_OK, DRIVER_OK.
    EXPECT_EQ(rig.common.status_writes, (std::vector<uint8_t> {0, 1, 3, 11, 15}));
    EXPECT_EQ(device->features(), feature::version_1 | feature::event_idx);
    EXPECT_EQ(device->offered_features(), feature::version_1 | feature::event_idx);
    EXPECT_EQ(device->queue(0).size(), 8);
    EXPECT_EQ(device->slots().count(), 4);
    EXPECT_FALSE(device->failed());
    EXPECT_STREQ(device->failure(), "");
    EXPECT_EQ(rig.allocator.live(), 4); // ring, shadow, request slots, slot buffers
    device.reset();
    EXPECT_EQ(rig.common.status_writes.back(), 0);
    EXPECT_EQ(rig.allocator.live(), 0);
    EXPECT_TRUE(rig.register_violations().empty()) << rig.register_violations()[0];
}

TEST_F(VirtioDeviceTest, ARequestGoesOutOfItsSlotAndComesBack)
{
    auto device = open();
    ASSERT_TRUE(device);
    uint16_t slot = submit(*device, 0x42);
    EXPECT_TRUE(device->slots().busy(slot));
    ASSERT_TRUE(device->kick(0).has_value());
    std::optional<Completion> seen;
    uint16_t seen_slot = 0xffff;
    auto waited = device->wait(
        0, 1'000'000'000, [&] { return !device->slots().busy(slot); },
        [&](uint16_t s, const Completion& c) {
            seen_slot = s;
            seen = c;
            // The response is read while the slot is still the request's.
            EXPECT_EQ(device->slots().response(s)[0], 0x42);
            EXPECT_EQ(device->slots().response(s)[7], reply_byte);
        });
    ASSERT_TRUE(waited.has_value()) << device->failure();
    EXPECT_EQ(seen_slot, slot);
    ASSERT_TRUE(seen.has_value());
    EXPECT_EQ(seen->written, layout.response_bytes);
    EXPECT_EQ(device->slots().in_flight(), 0); // released after the handler
    auto counters = device->take_counters();
    EXPECT_EQ(counters.completions, 1u);
}

TEST_F(VirtioDeviceTest, SlotsRunOutAsBusy)
{
    behaviour.never_answer = true;
    auto device = open();
    ASSERT_TRUE(device);
    for (uint8_t i = 0; i < 4; ++i)
        submit(*device, i);
    EXPECT_EQ(device->acquire_slot().error(), Error::Busy);
    EXPECT_FALSE(device->failed());
}

TEST_F(VirtioDeviceTest, TooFewDescriptorsIsBusyAndFreesTheSlot)
{
    behaviour.never_answer = true;
    auto device = open();
    ASSERT_TRUE(device);
    // Three descriptors a request in a queue of eight: the third does not fit.
    rota::virtio::Segment extra[2] = {
        {device->slots().buffer_phys(0), 512}, {device->slots().buffer_phys(0).offset(512), 512}};
    SlotChain chain;
    chain.request_bytes = 16;
    chain.writable = extra;
    for (int i = 0; i < 2; ++i) {
        uint16_t slot = device->acquire_slot().value();
        ASSERT_TRUE(device->submit(0, slot, chain).has_value());
    }
    uint16_t slot = device->acquire_slot().value();
    EXPECT_EQ(device->submit(0, slot, chain).error(), Error::Busy);
    EXPECT_FALSE(device->slots().busy(slot));
    EXPECT_EQ(device->slots().in_flight(), 2);
    EXPECT_FALSE(device->failed());
}

TEST_F(VirtioDeviceTest, WaitTimesOutAndFailsTheDeviceWithItsReason)
{
    behaviour.never_answer = true;
    ManualPollClock manual;
    auto device = open(manual);
    ASSERT_TRUE(device);
    uint16_t slot = submit(*device, 1);
    ASSERT_TRUE(device->kick(0).has_value());
    uint64_t before = manual.now;
    auto waited = device->wait(
        0, 5'000'000, [&] { return !device->slots().busy(slot); },
        [](uint16_t, const Completion&) { ADD_FAILURE() << "no completion expected"; });
    ASSERT_TRUE(waited.is_error());
    EXPECT_EQ(waited.error(), Error::Timeout);
    EXPECT_GE(manual.now - before, 5'000'000u);
    EXPECT_LE(manual.now - before, 6'000'000u);
    EXPECT_TRUE(device->failed());
    EXPECT_STREQ(device->failure(), "1 requests unanswered after 5 ms");
    EXPECT_EQ(device->acquire_slot().error(), Error::DeviceError);
    EXPECT_EQ(device->kick(0).error(), Error::DeviceError);
}

TEST_F(VirtioDeviceTest, TheFirstFailureReasonIsKept)
{
    auto device = open();
    ASSERT_TRUE(device);
    EXPECT_EQ(device->fail(Error::DeviceError, "first %d", 1).error, Error::DeviceError);
    EXPECT_EQ(device->fail(Error::Timeout, "second").error, Error::Timeout);
    EXPECT_STREQ(device->failure(), "first 1");
    EXPECT_TRUE(rig.sink.lines.empty()); // failing logs nothing: the driver says what it means
}

TEST_F(VirtioDeviceTest, BrokenQueueFailsTheDevice)
{
    behaviour.corrupt_id = 99;
    auto device = open();
    ASSERT_TRUE(device);
    submit(*device, 1);
    ASSERT_TRUE(device->kick(0).has_value());
    auto waited = device->wait(
        0, 1'000'000'000, [] { return false; }, [](uint16_t, const Completion&) {});
    EXPECT_EQ(waited.error(), Error::DeviceError);
    EXPECT_STREQ(device->failure(), "queue 0 broken: used id 99 out of range (size 8)");
}

TEST_F(VirtioDeviceTest, InitialisationFailuresAreOneLineEach)
{
    rig.common.acceptable_features = feature::version_1;
    EXPECT_FALSE(open());
    EXPECT_TRUE(rig.sink.contains("[virtio-test] 00:05.0 feature negotiation failed: FEATURES_OK "
                                  "refused"))
        << rig.sink.all();
    // No memory was given: FAILED is the last word, no reset is needed.
    EXPECT_NE(rig.common.status_writes.back() & rota::virtio::status::failed, 0);

    rig.common.acceptable_features = ~0ull;
    rig.allocator.allocations = 0;
    rig.allocator.fail_at = 4;
    EXPECT_FALSE(open());
    EXPECT_TRUE(rig.sink.contains("[virtio-test] 00:05.0 setup failed: no memory for slot buffers"))
        << rig.sink.all();
    EXPECT_EQ(rig.common.status_writes.back(), 0); // the queue was live: reset
    EXPECT_EQ(rig.allocator.live(), 0);
}

// Memory a device that did not reset may still write is
// never freed.
TEST_F(VirtioDeviceTest, ResetThatNeverCompletesKeepsWhatTheDeviceMayWrite)
{
    ManualPollClock manual;
    auto device = open(manual);
    ASSERT_TRUE(device);
    rig.common.reset_reads_before_zero = -1;
    rig.allocator.on_free = nullptr;
    device.reset();
    // The ring, the request slots and their buffers stay; the private shadow went.
    EXPECT_EQ(rig.allocator.live(), 3);
    std::string kept = "[virtio-test] 00:05.0 reset did not complete in 1000 ms: keeping the "
        + std::to_string(rig.allocator.live_bytes()) + " bytes of DMA memory it may still write";
    EXPECT_TRUE(rig.sink.contains(kept)) << rig.sink.all();
    fake->stop();
    rig.allocator.reclaim_kept();
}

TEST_F(VirtioDeviceTest, AMovedFromDeviceLeavesTheDeviceAlone)
{
    auto device = open();
    ASSERT_TRUE(device);
    size_t writes = rig.common.status_writes.size();
    {
        Device moved(std::move(*device));
        device.reset(); // the moved-from object: owns nothing, resets nothing
        EXPECT_EQ(rig.common.status_writes.size(), writes);
        EXPECT_EQ(rig.allocator.live(), 4);
        EXPECT_EQ(moved.queue(0).size(), 8);
    }
    EXPECT_EQ(rig.common.status_writes.back(), 0);
    EXPECT_EQ(rig.allocator.live(), 0);
}

TEST_F(VirtioDeviceTest, ShutDownResetsOnceAndRefusesLaterRequests)
{
    auto device = open();
    ASSERT_TRUE(device);
    ASSERT_TRUE(device->shut_down().has_value());
    EXPECT_EQ(rig.common.status, 0);
    EXPECT_TRUE(device->failed());
    EXPECT_STREQ(device->failure(), "shut down");
    EXPECT_EQ(device->acquire_slot().error(), Error::DeviceError);
    size_t writes = rig.common.status_writes.size();
    device.reset();
    EXPECT_EQ(rig.common.status_writes.size(), writes);
    EXPECT_EQ(rig.allocator.live(), 0);
}

// --- interrupts: the deadline wait sleeps on the queue's signal ------------------

namespace {

// MSI-X as VirtioIrq lays it out: entry 0 for configuration changes, 1 + q
// for queue q, and one signal per queue.
class FakeInterrupts final : public rota::virtio::DeviceInterrupts {
public:
    uint16_t queue_vector(uint16_t q) override { return uint16_t(1 + q); }
    uint16_t config_vector() override { return 0; }
    rota::WakeSignal* signal(uint16_t q) override
    {
        return q == 0 && !refused_queue ? &wake : nullptr;
    }
    void refused(uint16_t) override { refused_queue = true; }
    void config_refused() override { refused_config = true; }

    FakeWakeSignal wake;
    bool refused_queue {false};
    bool refused_config {false};
};

bool logged(const std::vector<std::string>& log, const std::string& line)
{
    return std::find(log.begin(), log.end(), line) != log.end();
}

} // namespace

TEST_F(VirtioDeviceTest, TheQueueAndConfigVectorsAreWrittenAndConfirmed)
{
    FakeInterrupts interrupts;
    rig.transport.set_interrupts(&interrupts);
    auto device = open();
    ASSERT_TRUE(device) << rig.sink.all();
    // 4.1.5.1.2: the queue's entry before the queue is enabled, msix_config before DRIVER_OK.
    const auto& log = rig.common.log;
    auto msix = std::find(log.begin(), log.end(), "w queue_msix 1");
    auto enable = std::find(log.begin(), log.end(), "w queue_enable 1");
    ASSERT_NE(msix, log.end());
    EXPECT_LT(msix, enable);
    EXPECT_TRUE(logged(log, "w config_msix 0"));
    EXPECT_EQ(rig.common.queues[0].msix, 1);
    EXPECT_FALSE(interrupts.refused_queue);
    EXPECT_FALSE(interrupts.refused_config);
}

TEST_F(VirtioDeviceTest, WithoutInterruptsNoVectorIsAskedFor)
{
    auto device = open();
    ASSERT_TRUE(device);
    EXPECT_TRUE(logged(rig.common.log, "w queue_msix 65535"));
    EXPECT_TRUE(logged(rig.common.log, "w config_msix 65535"));
}

TEST_F(VirtioDeviceTest, WaitSleepsUntilTheQueueInterruptsInsteadOfPolling)
{
    FakeInterrupts interrupts;
    rig.transport.set_interrupts(&interrupts);
    behaviour.delay = std::chrono::milliseconds(20); // the driver is asleep by then
    behaviour.interrupt = [&] { interrupts.wake.signal(); };
    auto device = open();
    ASSERT_TRUE(device);
    for (uint8_t round = 0; round < 5; ++round) {
        uint16_t slot = submit(*device, uint8_t(0x10 + round));
        ASSERT_TRUE(device->kick(0).has_value());
        bool seen = false;
        auto waited = device->wait(
            0, 5'000'000'000, [&] { return !device->slots().busy(slot); },
            [&](uint16_t, const Completion&) { seen = true; });
        ASSERT_TRUE(waited.has_value()) << device->failure();
        EXPECT_TRUE(seen);
        EXPECT_FALSE(device->queue(0).callbacks_enabled()) << "off again after the sleep";
    }
    EXPECT_GE(interrupts.wake.sleeps, 5u);
    EXPECT_EQ(interrupts.wake.expired, 0u) << "every sleep was ended by the interrupt";
    // The device publishes used.idx before it interrupts, so the driver can
    // finish the last round while the device is still between the two: stop
    // the device before comparing what it raised with what was delivered.
    fake->stop();
    EXPECT_EQ(fake->interrupts(), interrupts.wake.signals.load());
    EXPECT_GE(fake->interrupts(), 5u);
    auto counters = device->take_counters();
    EXPECT_EQ(counters.completions, 5u);
    EXPECT_EQ(counters.spins, 0u) << "no look at the used ring found nothing";
}

TEST_F(VirtioDeviceTest, AnInterruptThatNeverComesIsATimeout)
{
    FakeInterrupts interrupts;
    rig.transport.set_interrupts(&interrupts);
    behaviour.never_answer = true;
    auto device = open();
    ASSERT_TRUE(device);
    uint16_t slot = submit(*device, 1);
    ASSERT_TRUE(device->kick(0).has_value());
    auto waited = device->wait(
        0, 50'000'000, [&] { return !device->slots().busy(slot); },
        [](uint16_t, const Completion&) { ADD_FAILURE() << "no completion expected"; });
    ASSERT_TRUE(waited.is_error());
    EXPECT_EQ(waited.error(), Error::Timeout);
    EXPECT_EQ(interrupts.wake.sleeps, 1u) << "one sleep, to the deadline";
    EXPECT_EQ(interrupts.wake.expired, 1u);
    EXPECT_STREQ(device->failure(), "1 requests unanswered after 50 ms");
}

TEST_F(VirtioDeviceTest, ARefusedVectorLeavesTheQueuePolled)
{
    FakeInterrupts interrupts;
    rig.transport.set_interrupts(&interrupts);
    rig.common.refuse_msix = true; // 4.1.5.1.2: NO_VECTOR read back
    auto device = open();
    ASSERT_TRUE(device);
    EXPECT_TRUE(interrupts.refused_queue);
    EXPECT_TRUE(interrupts.refused_config);
    uint16_t slot = submit(*device, 7);
    ASSERT_TRUE(device->kick(0).has_value());
    auto waited = device->wait(
        0, 1'000'000'000, [&] { return !device->slots().busy(slot); },
        [](uint16_t, const Completion&) {});
    ASSERT_TRUE(waited.has_value()) << device->failure();
    EXPECT_EQ(interrupts.wake.sleeps, 0u) << "polled, not asleep";
}
