// The virtio-blk driver end to end on the host: initialised through the real
// PciTransport over the fake register file, then driven against a fake device
// thread that parses every request as a device would (blk_fake_disk.h).

#include <gtest/gtest.h>

#include <memory>
#include <numeric>
#include <vector>

#include "blk_fake_disk.h"
#include "journal/journal.h"
#include "support/recording_sink.h"
#include "support/virtio_pci_rig.h"
#include "virtio/blk/blk_device.h"
#include "virtio/blk/request.h"
#include "virtio/device/features.h"
#include "virtio/transport/pci_transport.h"
#include "virtio_fake_device.h"
#include "virtio_fake_registers.h"
#include "virtio_host_support.h"

using blk_test::FakeBlkDisk;
using rota::Error;
using rota::blk::BlkDevice;
using rota::blk::BlkOptions;
using namespace virtio_test;
namespace blkf = rota::blk::feature;

namespace {

constexpr uint64_t capacity = 16384; // 8 MiB

uint64_t bit(unsigned n)
{
    return rota::virtio::feature_bit(n);
}

class BlkDeviceTest : public ::testing::Test {
protected:
    BlkDeviceTest()
        : disk(capacity)
    {
        common.num_queues = 1;
        common.queues = {FakeQueueRegs {256, 256, 0, 0, 0}};
        common.device_features = rota::virtio::feature::version_1 | rota::virtio::feature::event_idx
            | bit(blkf::flush) | bit(blkf::seg_max) | bit(blkf::blk_size);
        put<uint64_t>(0, capacity);
        put<uint32_t>(12, 254); // seg_max
        put<uint32_t>(20, 512); // blk_size
    }

    template<class T>
    void put(uint32_t offset, T value)
    {
        rig.put_config(offset, value);
    }

    std::unique_ptr<BlkDevice> open(const BlkOptions& options = {})
    {
        return open_with(clock, options);
    }
    std::unique_ptr<BlkDevice> open_with(
        rota::PollClock& with_clock, const BlkOptions& options = {})
    {
        auto created
            = BlkDevice::create(transport, allocator, with_clock, sink, "00:04.0", options);
        if (created.is_error())
            return nullptr;
        return std::make_unique<BlkDevice>(created.release_value());
    }

    std::unique_ptr<FakeQueueDevice> start(const BlkDevice& device, FakeBehaviour behaviour = {})
    {
        auto fake
            = std::make_unique<FakeQueueDevice>(device.queue(), unused, disk.handler(), behaviour);
        fake->start();
        return fake;
    }

    void expect_clean(FakeQueueDevice& fake)
    {
        fake.stop();
        EXPECT_TRUE(fake.errors().empty()) << fake.errors()[0];
        EXPECT_TRUE(disk.errors().empty()) << disk.errors()[0];
        EXPECT_TRUE(common.violations.empty()) << common.violations[0];
        EXPECT_TRUE(notify.violations.empty()) << notify.violations[0];
    }

    std::vector<uint8_t> on_disk(uint64_t sector, uint64_t count)
    {
        return std::vector<uint8_t>(disk.bytes.begin() + long(sector * 512),
            disk.bytes.begin() + long((sector + count) * 512));
    }

    static std::vector<uint8_t> pattern(size_t bytes, uint8_t seed)
    {
        std::vector<uint8_t> data(bytes);
        for (size_t i = 0; i < bytes; ++i)
            data[i] = uint8_t(i * 7 + seed + (i >> 9));
        return data;
    }

    VirtioPciRig rig; // first: outlives every device
    HostDmaAllocator& allocator = rig.allocator;
    FakeCommonConfig& common = rig.common;
    FakeNotifyRegion& notify = rig.notify;
    rota::virtio::PciTransport& transport = rig.transport;
    rota_test::RecordingSink& sink = rig.sink;
    SteadyPollClock clock;
    CountingNotifier unused; // the fake device polls; doorbells go to `notify`
    FakeBlkDisk disk;
};

} // namespace

TEST_F(BlkDeviceTest, InitialisesWithWhatTheDeviceOffers)
{
    auto device = open();
    ASSERT_TRUE(device) << sink.all();
    const auto& info = device->info();
    EXPECT_EQ(info.config.capacity_sectors, capacity);
    EXPECT_TRUE(info.config.flush);
    EXPECT_FALSE(info.config.read_only);
    EXPECT_EQ(info.config.seg_max, 254u);
    EXPECT_EQ(info.config.size_max, 0u);
    EXPECT_EQ(info.queue_size, 128);
    EXPECT_EQ(info.slots, 32);
    EXPECT_EQ(info.max_request_sectors, 128u);
    EXPECT_TRUE(info.event_idx);
    EXPECT_EQ(common.driver_features, common.device_features);
    EXPECT_NE(common.status & rota::virtio::status::driver_ok, 0);
    EXPECT_TRUE(
        sink.contains("[virtio-blk] 00:04.0 driver_ok features=0x120000244 queue=128 slots=32 "
                      "event_idx=yes"))
        << sink.all();
    EXPECT_TRUE(common.violations.empty()) << common.violations[0];
    device.reset();
    EXPECT_EQ(common.status_writes.back(), 0); // reset before the rings were freed
}

TEST_F(BlkDeviceTest, WorksWithoutTheOptionalFeatures)
{
    common.device_features = rota::virtio::feature::version_1;
    auto device = open();
    ASSERT_TRUE(device) << sink.all();
    EXPECT_FALSE(device->info().config.flush);
    EXPECT_FALSE(device->info().event_idx);
    auto fake = start(*device);
    auto data = pattern(4096, 3);
    ASSERT_TRUE(device->write(10, data).has_value());
    EXPECT_TRUE(device->flush().has_value()); // nothing to flush: writes are durable
    EXPECT_EQ(disk.flushes.load(), 0);
    std::vector<uint8_t> back(4096);
    ASSERT_TRUE(device->read(10, back).has_value());
    EXPECT_EQ(back, data);
    expect_clean(*fake);
}

TEST_F(BlkDeviceTest, LargeTransfersRoundTrip)
{
    auto device = open();
    ASSERT_TRUE(device);
    auto fake = start(*device);
    auto data = pattern(3001 * 512, 9);
    ASSERT_TRUE(device->write(5, data).has_value());
    ASSERT_TRUE(device->flush().has_value());
    EXPECT_EQ(disk.flushes.load(), 1);
    std::vector<uint8_t> back(data.size());
    ASSERT_TRUE(device->read(5, back).has_value());
    fake->stop();
    EXPECT_EQ(on_disk(5, 3001), data);
    EXPECT_EQ(back, data);
    EXPECT_LE(disk.largest_request.load(), 128u * 512);
    EXPECT_EQ(disk.writes.load(), 24); // 3001 sectors, 128 a request
    expect_clean(*fake);
}

TEST_F(BlkDeviceTest, ManyRequestsAreInFlightAndCompleteOutOfOrder)
{
    BlkOptions options;
    options.bounce_bytes = 4096; // 8 sectors a request
    auto device = open(options);
    ASSERT_TRUE(device);
    FakeBehaviour behaviour;
    behaviour.batch = 16; // the device answers only with 16 requests waiting
    behaviour.reverse_batches = true;
    auto fake = start(*device, behaviour);
    auto data = pattern(160 * 8 * 512, 1);
    ASSERT_TRUE(device->write(0, data, 16).has_value()) << sink.all();
    std::vector<uint8_t> back(data.size());
    ASSERT_TRUE(device->read(0, back, 16).has_value()) << sink.all();
    EXPECT_EQ(back, data);
    EXPECT_EQ(device->requests_completed(), 320u);
    auto counters = device->take_counters();
    EXPECT_EQ(counters.completions, 320u);
    expect_clean(*fake);
}

TEST_F(BlkDeviceTest, SizeMaxBoundsEveryRequest)
{
    common.device_features |= bit(blkf::size_max);
    put<uint32_t>(8, 8192);
    disk.max_data_bytes = 8192;
    auto device = open();
    ASSERT_TRUE(device);
    EXPECT_EQ(device->info().max_request_sectors, 16u);
    auto fake = start(*device);
    std::vector<uint8_t> back(1000 * 512);
    ASSERT_TRUE(device->read(3, back).has_value());
    EXPECT_EQ(back, on_disk(3, 1000));
    EXPECT_EQ(disk.largest_request.load(), 8192u);
    expect_clean(*fake);
}

TEST_F(BlkDeviceTest, GetIdReturnsTheSerial)
{
    auto device = open();
    ASSERT_TRUE(device);
    auto fake = start(*device);
    char id[21];
    ASSERT_TRUE(device->get_id(id).has_value());
    EXPECT_STREQ(id, "rota-test-disk");
    disk.serial = "0123456789abcdefghijKLM"; // 20 bytes and more: not terminated by the device
    ASSERT_TRUE(device->get_id(id).has_value());
    EXPECT_STREQ(id, "0123456789abcdefghij");
    disk.get_id_unsupported = true;
    EXPECT_EQ(device->get_id(id).error(), Error::Unsupported);
    EXPECT_FALSE(device->failed());
    expect_clean(*fake);
}

TEST_F(BlkDeviceTest, IoErrorFailsTheCallNotTheDevice)
{
    auto device = open();
    ASSERT_TRUE(device);
    auto fake = start(*device);
    disk.ioerr_sectors = {300};
    std::vector<uint8_t> back(512 * 512);
    auto read = device->read(0, back);
    ASSERT_TRUE(read.is_error());
    EXPECT_EQ(read.error(), Error::DeviceError);
    EXPECT_TRUE(sink.contains("[blk] 00:04.0 read sector=256 sectors=128 failed: status=IOERR"))
        << sink.all();
    EXPECT_FALSE(device->failed());
    EXPECT_EQ(device->queue().in_flight(), 0); // the rest were waited for
    std::vector<uint8_t> fine(8 * 512);
    ASSERT_TRUE(device->read(400, fine).has_value());
    EXPECT_EQ(fine, on_disk(400, 8));
    expect_clean(*fake);
}

TEST_F(BlkDeviceTest, UnsupportedFlushIsReported)
{
    auto device = open();
    ASSERT_TRUE(device);
    auto fake = start(*device);
    disk.flush_unsupported = true;
    EXPECT_EQ(device->flush().error(), Error::Unsupported);
    EXPECT_TRUE(sink.contains("flush sector=0 sectors=0 failed: status=UNSUPP")) << sink.all();
    EXPECT_FALSE(device->failed());
    expect_clean(*fake);
}

TEST_F(BlkDeviceTest, NonsenseStatusAbandonsTheDevice)
{
    auto device = open();
    ASSERT_TRUE(device);
    auto fake = start(*device);
    disk.nonsense_status = 7;
    std::vector<uint8_t> back(4096);
    EXPECT_EQ(device->read(0, back).error(), Error::DeviceError);
    EXPECT_TRUE(device->failed());
    EXPECT_TRUE(
        sink.contains("status byte 0x07 (invalid) is no virtio-blk status: device abandoned"))
        << sink.all();
    int reads = disk.reads.load();
    EXPECT_EQ(device->read(0, back).error(), Error::DeviceError);
    EXPECT_EQ(device->flush().error(), Error::DeviceError);
    fake->stop();
    EXPECT_EQ(disk.reads.load(), reads); // refused without a request
}

TEST_F(BlkDeviceTest, StatusTheDeviceNeverWroteIsCaught)
{
    auto device = open();
    ASSERT_TRUE(device);
    auto fake = start(*device);
    disk.nonsense_status = rota::blk::status_unwritten;
    EXPECT_EQ(device->flush().error(), Error::DeviceError);
    EXPECT_TRUE(sink.contains("(unwritten) is no virtio-blk status")) << sink.all();
    EXPECT_TRUE(device->failed());
}

TEST_F(BlkDeviceTest, SilentDeviceTimesOutInsteadOfHanging)
{
    BlkOptions options;
    options.timeout_ns = 100'000'000;
    auto device = open(options);
    ASSERT_TRUE(device);
    FakeBehaviour behaviour;
    behaviour.never_answer = true;
    auto fake = start(*device, behaviour);
    std::vector<uint8_t> back(64 * 1024 * 4);
    auto begin = std::chrono::steady_clock::now();
    EXPECT_EQ(device->read(0, back).error(), Error::Timeout);
    EXPECT_GE(std::chrono::steady_clock::now() - begin, std::chrono::milliseconds(100));
    EXPECT_TRUE(device->failed());
    EXPECT_TRUE(sink.contains("[blk] 00:04.0 4 requests unanswered after 100 ms: device abandoned"))
        << sink.all();
    EXPECT_EQ(device->flush().error(), Error::DeviceError);
}

TEST_F(BlkDeviceTest, BrokenQueueAbandonsTheDevice)
{
    auto device = open();
    ASSERT_TRUE(device);
    FakeBehaviour behaviour;
    behaviour.corrupt_id = 999;
    auto fake = start(*device, behaviour);
    std::vector<uint8_t> back(4096);
    EXPECT_EQ(device->read(0, back).error(), Error::DeviceError);
    EXPECT_TRUE(device->failed());
    EXPECT_TRUE(sink.contains("[blk] 00:04.0 request queue broken: used id 999 out of range"))
        << sink.all();
}

TEST_F(BlkDeviceTest, ReadOnlyDeviceRefusesWritesBeforeAnyRequest)
{
    common.device_features |= bit(blkf::read_only);
    auto device = open();
    ASSERT_TRUE(device);
    EXPECT_TRUE(device->read_only());
    auto fake = start(*device);
    auto before = on_disk(0, 16);
    auto data = pattern(16 * 512, 4);
    EXPECT_EQ(device->write(0, data).error(), Error::ReadOnly);
    EXPECT_TRUE(
        sink.contains("[blk] 00:04.0 write sector=0 sectors=16 refused: the device is read-only"));
    EXPECT_EQ(device->take_counters().notifies, 0u);
    EXPECT_EQ(device->requests_completed(), 0u);
    std::vector<uint8_t> back(16 * 512);
    ASSERT_TRUE(device->read(0, back).has_value());
    fake->stop();
    EXPECT_EQ(disk.writes.load(), 0);
    EXPECT_EQ(back, before);
    EXPECT_FALSE(device->failed());
}

TEST_F(BlkDeviceTest, BadRangesAreRefusedWithoutARequest)
{
    auto device = open();
    ASSERT_TRUE(device);
    auto fake = start(*device);
    std::vector<uint8_t> two(1024), odd(100);
    EXPECT_EQ(device->read(capacity - 1, two).error(), Error::InvalidArgument);
    EXPECT_TRUE(
        sink.contains("read sector=16383 sectors=2 refused: beyond the capacity of 16384 sectors"));
    EXPECT_EQ(device->read(0, odd).error(), Error::InvalidArgument);
    EXPECT_EQ(device->write(~0ull, two).error(), Error::InvalidArgument);
    EXPECT_TRUE(device->read(capacity, std::span<uint8_t>()).has_value()); // nothing at the end
    EXPECT_TRUE(device->read(capacity - 2, two).has_value());
    EXPECT_EQ(device->requests_completed(), 1u);
    EXPECT_FALSE(device->failed());
    expect_clean(*fake);
}

TEST_F(BlkDeviceTest, SmallQueueStillWorksOneRequestAtATime)
{
    common.queues = {FakeQueueRegs {4, 4, 0, 0, 0}};
    auto device = open();
    ASSERT_TRUE(device) << sink.all();
    EXPECT_EQ(device->info().slots, 1);
    auto fake = start(*device);
    auto data = pattern(300 * 512, 2);
    ASSERT_TRUE(device->write(1, data).has_value());
    std::vector<uint8_t> back(data.size());
    ASSERT_TRUE(device->read(1, back).has_value());
    EXPECT_EQ(back, data);
    expect_clean(*fake);
}

TEST_F(BlkDeviceTest, InitFailuresAreReportedAndFreeEverything)
{
    common.queues = {FakeQueueRegs {2, 2, 0, 0, 0}};
    EXPECT_FALSE(open());
    EXPECT_TRUE(sink.contains("[virtio-blk] 00:04.0 setup failed: queue too small for one request"))
        << sink.all();
    EXPECT_EQ(common.status_writes.back(), 0); // reset: the rings are gone

    common.queues = {FakeQueueRegs {256, 256, 0, 0, 0}};
    common.acceptable_features = rota::virtio::feature::version_1;
    EXPECT_FALSE(open());
    EXPECT_TRUE(
        sink.contains("[virtio-blk] 00:04.0 feature negotiation failed: FEATURES_OK refused"))
        << sink.all();

    common.acceptable_features = ~0ull;
    allocator.fail_after = allocator.allocations + 2; // rings and shadow, then nothing
    EXPECT_FALSE(open());
    EXPECT_TRUE(sink.contains("setup failed: no memory for request headers")) << sink.all();
    EXPECT_EQ(allocator.live(), 0);
}

TEST_F(BlkDeviceTest, EveryPartialAllocationFailureResetsAndLeaksNothing)
{
    rig.require_reset_before_free();
    const char* reasons[] = {"request queue setup failed: queue 0: no memory",
        "request queue setup failed: queue 0: no memory",
        "setup failed: no memory for request headers",
        "setup failed: no memory for bounce buffers"};
    for (int n = 1; n <= 4; ++n) { // rings, shadow, request slots, bounce buffers
        SCOPED_TRACE(n);
        allocator.allocations = 0;
        allocator.fail_at = n;
        EXPECT_FALSE(open());
        EXPECT_TRUE(sink.contains(reasons[n - 1])) << sink.all();
        EXPECT_EQ(allocator.live(), 0);
        if (n > 2) { // the device had the ring addresses
            EXPECT_EQ(common.status_writes.back(), 0);
        }
    }
    allocator.fail_at = -1;
    EXPECT_TRUE(open()); // and a device that gets its memory works
}

// After a reset that does not complete, the device may
// still write its rings, headers, status bytes and bounce buffers, so
// destroying the driver must not free them.
TEST_F(BlkDeviceTest, ResetThatNeverCompletesKeepsTheMemoryTheDeviceMayWrite)
{
    ManualPollClock manual;
    auto device = open_with(manual);
    ASSERT_TRUE(device) << sink.all();
    auto fake = start(*device);
    common.reset_reads_before_zero = -1;
    size_t before = allocator.live_bytes();
    device.reset();
    EXPECT_TRUE(sink.contains("[virtio-blk] 00:04.0 reset did not complete in 1000 ms: keeping the "
        + std::to_string(allocator.live_bytes()) + " bytes of DMA memory it may still write"))
        << sink.all();
    EXPECT_EQ(allocator.live(), 3); // ring, headers and status bytes, bounce buffers
    EXPECT_LT(allocator.live_bytes(), before); // the private shadow was freed
    // The fake device is still running on that memory: stop it, then free.
    fake->stop();
    allocator.reclaim_kept();
}

namespace {

// The journal's view of the driver, as the kernel's kernel/spin_journal.cpp has it.
class DriverDisk final : public rota::BlockDevice {
public:
    explicit DriverDisk(BlkDevice& device)
        : m_device(device)
    {
    }
    uint64_t sector_count() const override { return m_device.capacity_sectors(); }
    uint32_t block_bytes() const override { return m_device.info().config.block_bytes; }
    bool read_only() const override { return m_device.read_only(); }
    rota::Expected<void> read(uint64_t sector, std::span<uint8_t> out) override
    {
        return m_device.read(sector, out);
    }
    rota::Expected<void> write(uint64_t sector, std::span<const uint8_t> data) override
    {
        return m_device.write(sector, data);
    }
    rota::Expected<void> flush() override { return m_device.flush(); }

private:
    BlkDevice& m_device;
};

} // namespace

TEST_F(BlkDeviceTest, JournalOverTheDriverSurvivesAReboot)
{
    std::fill(disk.bytes.begin(), disk.bytes.begin() + 2048 * 512, 0); // a blank journal region
    auto device = open();
    ASSERT_TRUE(device);
    auto fake = start(*device);
    DriverDisk driver_disk(*device);
    std::vector<uint8_t> scratch(64 * 1024);
    {
        rota::Journal journal(driver_disk, sink, scratch);
        journal.open();
        ASSERT_EQ(journal.mode(), rota::JournalMode::ReadWrite) << sink.all();
        for (uint32_t i = 0; i < 5; ++i) {
            int flushes = disk.flushes.load();
            rota::SpinRecord record;
            record.fate = 1000 + i;
            record.result = i % 2 ? rota::SpinResult::Win : rota::SpinResult::Lose;
            ASSERT_EQ(journal.append(record).value(), i + 1);
            EXPECT_EQ(disk.flushes.load(), flushes + 1); // VIRTIO_BLK_T_FLUSH after each record
        }
    }
    rota::Journal again(driver_disk, sink, scratch);
    again.open();
    EXPECT_TRUE(sink.contains("[journal] records=5 last_seq=5 corrupt=0 mode=read-write"))
        << sink.all();
    std::vector<rota::SpinRecord> recent(2);
    ASSERT_EQ(again.recent(recent), 2u);
    EXPECT_EQ(recent[0].fate, 1004u);
    expect_clean(*fake);
}
