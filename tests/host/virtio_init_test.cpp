// Device initialisation (virtio 1.2, 3.1.1) through the real PciTransport over
// a fake register file that checks the order of every step.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "virtio/device/device_init.h"
#include "virtio/device/features.h"
#include "virtio/transport/config_read.h"
#include "virtio/transport/pci_transport.h"
#include "virtio_fake_registers.h"
#include "virtio_host_support.h"

using rota::Error;
using rota::PhysAddr;
using rota::virtio::DeviceInit;
using rota::virtio::FeatureRequest;
using rota::virtio::PciTransport;
using rota::virtio::Region;
using rota::virtio::Segment;
using rota::virtio::VirtioPciLayout;
using rota::virtio::Virtqueue;
namespace feature = rota::virtio::feature;
using namespace virtio_test;

namespace {

constexpr uint64_t blk_flush = uint64_t(1)
    << 9; // a device-specific bit (virtio-blk VIRTIO_BLK_F_FLUSH)
constexpr uint64_t blk_ro = uint64_t(1) << 5;

VirtioPciLayout test_layout()
{
    VirtioPciLayout layout;
    layout.common = Region {PhysAddr(0xfe000000), 0x1000};
    layout.isr = Region {PhysAddr(0xfe001000), 0x1000};
    layout.device = Region {PhysAddr(0xfe002000), 0x1000};
    layout.notify = Region {PhysAddr(0xfe003000), 0x1000};
    layout.notify_off_multiplier = 4;
    return layout;
}

class VirtioInitTest : public ::testing::Test {
protected:
    VirtioInitTest()
        : notify(common)
        , device(common, std::vector<uint8_t>(0x1000, 0))
        , transport(test_layout(), common, notify, nullptr, &device)
        , init(transport, clock)
    {
    }

    // Indices in the access log, for order checks.
    size_t first(const std::string& entry) const
    {
        auto it = std::find(common.log.begin(), common.log.end(), entry);
        EXPECT_NE(it, common.log.end()) << "no '" << entry << "' in the log";
        return size_t(it - common.log.begin());
    }
    size_t last(const std::string& entry) const
    {
        auto it = std::find(common.log.rbegin(), common.log.rend(), entry);
        EXPECT_NE(it, common.log.rend()) << "no '" << entry << "' in the log";
        return size_t(common.log.rend() - it - 1);
    }
    void expect_failed_status()
    {
        ASSERT_FALSE(common.status_writes.empty());
        EXPECT_NE(common.status_writes.back() & rota::virtio::status::failed, 0);
    }

    FakeCommonConfig common;
    FakeNotifyRegion notify;
    FakeDeviceConfig device;
    PciTransport transport;
    ManualPollClock clock;
    HostDmaAllocator allocator;
    DeviceInit init;
};

} // namespace

TEST_F(VirtioInitTest, FullSequenceFollowsTheSpecOrder)
{
    common.device_features
        = feature::version_1 | feature::event_idx | feature::indirect_desc | blk_flush | blk_ro;
    ASSERT_TRUE(init.begin().has_value());
    auto features = init.negotiate(FeatureRequest {feature::event_idx | blk_flush, 0});
    ASSERT_TRUE(features.has_value());
    EXPECT_EQ(*features, feature::version_1 | feature::event_idx | blk_flush); // the intersection
    EXPECT_EQ(common.driver_features, *features);

    auto q0 = init.setup_queue(0, 64, allocator);
    ASSERT_TRUE(q0.has_value()) << init.failure();
    auto q1 = init.setup_queue(1, 64, allocator);
    ASSERT_TRUE(q1.has_value()) << init.failure();
    ASSERT_TRUE(init.finish().has_value());

    // 3.1.1: reset, ACKNOWLEDGE, DRIVER, FEATURES_OK, DRIVER_OK, each adding a bit.
    std::vector<uint8_t> expected_status {0, 1, 3, 11, 15};
    EXPECT_EQ(common.status_writes, expected_status);
    EXPECT_EQ(common.status, 15);
    // Features are read (both halves) and written before FEATURES_OK.
    EXPECT_LT(first("r device_feature 0"), first("w status 11"));
    EXPECT_LT(first("r device_feature 1"), first("w status 11"));
    EXPECT_LT(last("w driver_feature 1"), first("w status 11"));
    // FEATURES_OK is read back before anything else happens (3.1.1 step 6).
    EXPECT_EQ(common.log[first("w status 11") + 1], "r status");
    // Queues between FEATURES_OK and DRIVER_OK; enable after the addresses.
    EXPECT_LT(first("w status 11"), first("w queue_select 0"));
    EXPECT_LT(last("w queue_enable 1"), first("w status 15"));
    EXPECT_LT(last("w queue_addr 5"), last("w queue_enable 1"));
    EXPECT_TRUE(common.violations.empty()) << common.violations[0];

    // Sizes: min(device maximum, wanted), a power of two.
    EXPECT_EQ(q0->size(), 64);
    EXPECT_EQ(common.queues[0].size, 64);
    EXPECT_EQ(q1->size(), 16);
    EXPECT_EQ(common.queues[1].size, 16);
    EXPECT_TRUE(q0->event_idx());
    EXPECT_EQ(common.queues[0].msix, rota::virtio::common_cfg::no_msix_vector);
    // The addresses the device got are the queue's parts.
    EXPECT_EQ(common.queues[0].desc, q0->descriptor_area().get());
    EXPECT_EQ(common.queues[0].driver, q0->driver_area().get());
    EXPECT_EQ(common.queues[0].device, q0->device_area().get());
    EXPECT_EQ(common.queues[1].desc, q1->descriptor_area().get());

    // The doorbell: notify cap offset + queue_notify_off * multiplier, value = queue index.
    uint8_t request[16] {};
    Segment segment {PhysAddr(address_of(request)), sizeof(request)};
    ASSERT_TRUE(q1->add({&segment, 1}, {}, 1).has_value());
    ASSERT_TRUE(q1->kick().has_value());
    ASSERT_EQ(notify.writes.size(), 1u);
    EXPECT_EQ(notify.writes[0].offset, 1u * 4);
    EXPECT_EQ(notify.writes[0].value, 1);
    EXPECT_TRUE(notify.violations.empty());
}

TEST_F(VirtioInitTest, QueueSizeIsRoundedDownToAPowerOfTwo)
{
    common.queues[0].max_size = 100; // not a power of two: a broken device, still usable
    common.queues[0].size = 100;
    common.queues[1].max_size = 256;
    common.queues[1].size = 256;
    ASSERT_TRUE(init.begin().has_value());
    ASSERT_TRUE(init.negotiate({}).has_value());
    auto q0 = init.setup_queue(0, 1024, allocator);
    ASSERT_TRUE(q0.has_value());
    EXPECT_EQ(q0->size(), 64);
    auto q1 = init.setup_queue(1, 48, allocator);
    ASSERT_TRUE(q1.has_value());
    EXPECT_EQ(q1->size(), 32);
    ASSERT_TRUE(init.finish().has_value());
}

TEST_F(VirtioInitTest, EventIdxIsNotUsedUnlessOffered)
{
    ASSERT_TRUE(init.begin().has_value());
    auto features = init.negotiate(FeatureRequest {feature::event_idx, 0});
    ASSERT_TRUE(features.has_value());
    EXPECT_EQ(*features, feature::version_1);
    auto q = init.setup_queue(0, 8, allocator);
    ASSERT_TRUE(q.has_value());
    EXPECT_FALSE(q->event_idx());
}

TEST_F(VirtioInitTest, LegacyOnlyDeviceWithoutVersion1IsRefused)
{
    common.device_features = blk_flush;
    ASSERT_TRUE(init.begin().has_value());
    auto features = init.negotiate({});
    ASSERT_TRUE(features.is_error());
    EXPECT_EQ(features.error(), Error::Unsupported);
    EXPECT_NE(std::string(init.failure()).find("VERSION_1"), std::string::npos) << init.failure();
    expect_failed_status();
    EXPECT_EQ(common.status_writes.back(), 3 | 128);
}

TEST_F(VirtioInitTest, MissingRequiredFeatureIsRefused)
{
    ASSERT_TRUE(init.begin().has_value());
    auto features = init.negotiate(FeatureRequest {0, blk_flush});
    EXPECT_EQ(features.error(), Error::Unsupported);
    EXPECT_STREQ(init.failure(), "required features 0x200 not offered");
    expect_failed_status();
}

TEST_F(VirtioInitTest, DeviceRefusingFeaturesOkFailsTheInit)
{
    common.device_features = feature::version_1 | blk_flush;
    common.acceptable_features = feature::version_1; // the device changes its mind
    ASSERT_TRUE(init.begin().has_value());
    auto features = init.negotiate(FeatureRequest {blk_flush, 0});
    ASSERT_TRUE(features.is_error());
    EXPECT_EQ(features.error(), Error::Unsupported);
    EXPECT_NE(std::string(init.failure()).find("FEATURES_OK refused"), std::string::npos);
    expect_failed_status();
    // It read the status back after writing FEATURES_OK (3.1.1 step 6).
    EXPECT_GT(last("r status"), first("w status 11"));
}

TEST_F(VirtioInitTest, ResetThatNeverCompletesTimesOut)
{
    common.reset_reads_before_zero = -1;
    auto begun = init.begin(200'000'000);
    ASSERT_TRUE(begun.is_error());
    EXPECT_EQ(begun.error(), Error::Timeout);
    EXPECT_STREQ(init.failure(), "reset did not complete in 200 ms");
    EXPECT_GE(clock.relaxes, 200u); // waited on the clock, 1 ms per relax
    EXPECT_LE(clock.relaxes, 201u);
    expect_failed_status();
    // Nothing past the reset was attempted.
    EXPECT_EQ(std::count(common.status_writes.begin(), common.status_writes.end(), 1), 0);
}

TEST_F(VirtioInitTest, SlowResetIsWaitedFor)
{
    common.reset_reads_before_zero = 3;
    ASSERT_TRUE(init.begin().has_value());
    EXPECT_EQ(clock.relaxes, 3u);
    std::vector<uint8_t> expected {0, 1, 3};
    EXPECT_EQ(common.status_writes, expected);
}

TEST_F(VirtioInitTest, AbsentOrUnavailableQueueFails)
{
    common.queues[1].max_size = 0;
    common.queues[1].size = 0;
    ASSERT_TRUE(init.begin().has_value());
    ASSERT_TRUE(init.negotiate({}).has_value());
    auto q = init.setup_queue(1, 8, allocator);
    EXPECT_EQ(q.error(), Error::NotFound);
    EXPECT_STREQ(init.failure(), "queue 1 unavailable (size 0)");
    expect_failed_status();
}

TEST_F(VirtioInitTest, QueueIndexBeyondNumQueuesFails)
{
    ASSERT_TRUE(init.begin().has_value());
    ASSERT_TRUE(init.negotiate({}).has_value());
    auto q = init.setup_queue(2, 8, allocator);
    EXPECT_EQ(q.error(), Error::NotFound);
    EXPECT_STREQ(init.failure(), "queue 2 absent (num_queues=2)");
}

TEST_F(VirtioInitTest, DoorbellOutsideTheNotifyRegionFails)
{
    common.queues[1].notify_off = 0x400; // 0x400 * 4 = 0x1000: past the 0x1000-byte region
    ASSERT_TRUE(init.begin().has_value());
    ASSERT_TRUE(init.negotiate({}).has_value());
    auto q = init.setup_queue(1, 8, allocator);
    EXPECT_EQ(q.error(), Error::DeviceError);
    EXPECT_NE(std::string(init.failure()).find("notify offset 0x1000"), std::string::npos)
        << init.failure();
    EXPECT_EQ(allocator.live(), 0);
}

TEST_F(VirtioInitTest, RingAllocationFailureSetsFailed)
{
    allocator.fail_after = 0;
    ASSERT_TRUE(init.begin().has_value());
    ASSERT_TRUE(init.negotiate({}).has_value());
    auto q = init.setup_queue(0, 8, allocator);
    EXPECT_EQ(q.error(), Error::OutOfMemory);
    expect_failed_status();
    EXPECT_EQ(common.queues[0].enable, 0);
}

TEST_F(VirtioInitTest, DeviceNeedingResetAfterDriverOkFails)
{
    common.needs_reset_on_driver_ok = true;
    ASSERT_TRUE(init.begin().has_value());
    ASSERT_TRUE(init.negotiate({}).has_value());
    auto finished = init.finish();
    EXPECT_EQ(finished.error(), Error::DeviceError);
    EXPECT_NE(std::string(init.failure()).find("DEVICE_NEEDS_RESET"), std::string::npos);
    expect_failed_status();
}

TEST_F(VirtioInitTest, DriverCanGiveUpDuringDeviceSpecificSetup)
{
    ASSERT_TRUE(init.begin().has_value());
    ASSERT_TRUE(init.negotiate({}).has_value());
    auto failed = init.fail(Error::Unsupported, "no scanouts");
    EXPECT_EQ(failed.error, Error::Unsupported);
    EXPECT_STREQ(init.failure(), "no scanouts");
    EXPECT_EQ(common.status_writes.back(), 11 | 128);
}

TEST_F(VirtioInitTest, StepsOutOfOrderAreABug)
{
    EXPECT_DEATH((void)init.negotiate({}), "ASSERTION FAILED");
}

TEST_F(VirtioInitTest, DriverMayOnlyAskForFeaturesTheCoreImplements)
{
    ASSERT_TRUE(init.begin().has_value());
    EXPECT_DEATH(
        (void)init.negotiate(FeatureRequest {feature::ring_packed, 0}), "ASSERTION FAILED");
}

TEST_F(VirtioInitTest, ConfigReadsRetryWhileTheGenerationChanges)
{
    uint64_t capacity = 0x1122334455667788ull;
    std::memcpy(device.bytes.data(), &capacity, 8);
    device.generation_bumps = 2; // the first read attempt sees a change
    auto value
        = rota::virtio::read_config_stable(transport, [&] { return transport.read_config64(0); });
    ASSERT_TRUE(value.has_value());
    EXPECT_EQ(*value, capacity);
    // Two 32-bit reads per attempt, low half first (4.1.3.1); the second attempt was clean.
    std::vector<std::string> expected {"r32 0", "r32 4", "r32 0", "r32 4"};
    EXPECT_EQ(device.accesses, expected);
}

TEST_F(VirtioInitTest, ConfigThatNeverSettlesIsBusy)
{
    device.generation_bumps = -1;
    auto value
        = rota::virtio::read_config_stable(transport, [&] { return transport.read_config32(8); });
    EXPECT_EQ(value.error(), Error::Busy);
    EXPECT_EQ(device.accesses.size(), size_t(rota::virtio::max_config_read_attempts));
}

TEST_F(VirtioInitTest, ConfigAccessOutsideTheStructureIsABug)
{
    EXPECT_DEATH((void)transport.read_config32(0x1000), "ASSERTION FAILED");
    EXPECT_DEATH((void)transport.read_config32(2), "ASSERTION FAILED"); // unaligned
}
