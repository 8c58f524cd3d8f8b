// The virtio-gpu driver on the host: initialised through the real PciTransport
// over the fake register file, against a fake device thread that starts on
// the control queue when the driver enables it and answers every command as
// QEMU would (gpu_fake_device.h).

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <thread>
#include <vector>

#include "gpu_fake_device.h"
#include "support/edid_builder.h"
#include "support/virtio_pci_rig.h"
#include "virtio/device/features.h"
#include "virtio/gpu/commands.h"
#include "virtio/gpu/gpu_device.h"
#include "virtio_fake_device.h"

using gpu_test::FakeGpu;
using rota::Error;
using rota::PhysAddr;
using rota::Rect;
using rota::gpu::CommandType;
using rota::gpu::GpuDevice;
using rota::gpu::ResourceId;
using rota::gpu::ScanoutId;
using namespace virtio_test;
namespace feature = rota::virtio::feature;
namespace gpu = rota::gpu;

namespace {

uint64_t bit(unsigned n)
{
    return rota::virtio::feature_bit(n);
}

class GpuDeviceTest : public ::testing::Test {
protected:
    GpuDeviceTest()
    {
        rig.common.num_queues = 2; // 5.7.2: controlq, cursorq
        rig.common.queues = {FakeQueueRegs {64, 64, 0, 0, 0}, FakeQueueRegs {16, 16, 0, 0, 1}};
        rig.common.device_features = feature::version_1 | feature::event_idx
            | bit(gpu::feature_edid) | bit(gpu::feature_virgl);
        rig.put_config<uint32_t>(8, 1); // num_scanouts
        rig.put_config<uint32_t>(12, 2); // num_capsets
        auto edid = test_support::make_edid(1024, 768);
        fake_gpu.edid.assign(edid.begin(), edid.end());
        rig.common.on_queue_enable = [this](uint16_t index, const FakeQueueRegs& q) {
            if (index != 0)
                return;
            bool event_idx = (rig.common.driver_features & feature::event_idx) != 0;
            fake = std::make_unique<FakeQueueDevice>(
                FakeRings {q.desc, q.driver, q.device, q.size, event_idx}, unused,
                fake_gpu.handler(), behaviour);
            fake->start();
        };
        rig.common.on_reset = [this] {
            if (fake)
                fake->stop();
        };
        rig.require_reset_before_free();
    }

    std::unique_ptr<GpuDevice> open(rota::PollClock& with_clock, bool want_virgl = false)
    {
        auto created = GpuDevice::create(
            rig.transport, rig.allocator, with_clock, rig.sink, "00:01.0", want_virgl);
        if (created.is_error()) {
            last_error = created.error();
            return nullptr;
        }
        return std::make_unique<GpuDevice>(created.release_value());
    }
    std::unique_ptr<GpuDevice> open() { return open(clock); }

    void expect_clean()
    {
        if (fake) {
            fake->stop();
            EXPECT_TRUE(fake->errors().empty()) << fake->errors()[0];
        }
        EXPECT_TRUE(fake_gpu.errors().empty()) << fake_gpu.errors()[0];
        auto violations = rig.register_violations();
        EXPECT_TRUE(violations.empty()) << violations[0];
    }

    // A 2D resource with a backing the device can read, set on scanout 0. The
    // fixture keeps the backing, so it outlives the device that reads it.
    struct Screen {
        rota::DmaRegion backing;
        uint32_t width, height;
        uint32_t* pixels() { return backing.as<uint32_t>(); }
    };
    Screen& make_screen(GpuDevice& device, uint32_t width, uint32_t height)
    {
        Screen& screen = screens.emplace_back(
            Screen {rig.allocator.allocate(size_t(width) * height * 4, 4096).release_value(), width,
                height});
        ResourceId id {1};
        EXPECT_TRUE(
            device.call(gpu::make_resource_create_2d(id, gpu::Format::B8G8R8X8Unorm, width, height))
                .has_value());
        EXPECT_TRUE(
            device.call(gpu::make_attach_backing(id, screen.backing.phys(), width * height * 4))
                .has_value());
        Rect full {0, 0, int32_t(width), int32_t(height)};
        EXPECT_TRUE(device.call(gpu::make_set_scanout(ScanoutId {0}, id, full)).has_value());
        return screen;
    }

    VirtioPciRig rig;
    SteadyPollClock clock;
    CountingNotifier unused; // the fake device polls; doorbells go to rig.notify
    FakeGpu fake_gpu;
    FakeBehaviour behaviour;
    Error last_error {};
    std::deque<Screen> screens;
    std::unique_ptr<FakeQueueDevice> fake; // last: stopped first
};

} // namespace

TEST_F(GpuDeviceTest, InitialisesAndReadsDisplayInfoEdidAndCapsets)
{
    auto device = open();
    ASSERT_TRUE(device) << rig.sink.all();
    const gpu::GpuInfo& info = device->info();
    // EDID and EVENT_IDX are taken; VIRGL is only noted (5.7.3): this is the 2D driver.
    EXPECT_EQ(rig.common.driver_features,
        feature::version_1 | feature::event_idx | bit(gpu::feature_edid));
    EXPECT_TRUE(info.virgl_offered);
    EXPECT_TRUE(info.edid_offered);
    EXPECT_EQ(info.display_info.header.type, CommandType::OkDisplayInfo);
    EXPECT_EQ(info.display_info.pmodes[0].r.width, 1280u);
    EXPECT_EQ(info.display_info.pmodes[0].r.height, 800u);
    EXPECT_EQ(info.display_info.pmodes[0].enabled, 1u);
    EXPECT_EQ(info.display_info.pmodes[1].enabled, 0u);
    ASSERT_TRUE(info.edid_mode.has_value());
    EXPECT_EQ(info.edid_mode->width, 1024u);
    EXPECT_EQ(info.edid_mode->height, 768u);
    EXPECT_EQ(info.num_scanouts, 1u);
    EXPECT_EQ(info.num_capsets, 2u);
    EXPECT_EQ(info.capset_ids[0], 1u);
    EXPECT_EQ(info.capset_ids[1], 2u);
    EXPECT_EQ(fake_gpu.count(CommandType::GetDisplayInfo), 1);
    EXPECT_EQ(fake_gpu.count(CommandType::GetEdid), 1);
    EXPECT_EQ(fake_gpu.count(CommandType::GetCapsetInfo), 2);
    EXPECT_TRUE(device->queue().event_idx());
    EXPECT_FALSE(device->failed());
    EXPECT_TRUE(rig.sink.contains(
        "[virtio-gpu] 00:01.0 driver_ok features=0x120000002 queue=64 event_idx=yes"))
        << rig.sink.all();
    expect_clean();
    device.reset();
    EXPECT_EQ(rig.common.status_writes.back(), 0); // reset before the rings were freed
    EXPECT_EQ(rig.allocator.live(), 0);
}

TEST_F(GpuDeviceTest, NegotiatesVirglOnlyWhenAsked)
{
    auto device = open(clock, true);
    ASSERT_TRUE(device) << rig.sink.all();
    EXPECT_NE(rig.common.driver_features & bit(gpu::feature_virgl), 0u);
    EXPECT_TRUE(device->info().virgl_negotiated);
    EXPECT_EQ(device->info().capset_max_versions[1], 2u);
    EXPECT_EQ(device->info().capset_max_sizes[1], 1060u);
    EXPECT_TRUE(rig.sink.contains("driver_ok features=0x120000003 ")) << rig.sink.all();
    device.reset();

    rig.common.device_features &= ~bit(gpu::feature_virgl); // asked for, not offered
    device = open(clock, true);
    ASSERT_TRUE(device);
    EXPECT_FALSE(device->info().virgl_offered);
    EXPECT_FALSE(device->info().virgl_negotiated);
    expect_clean();
}

TEST_F(GpuDeviceTest, VariableResponseSaysHowLongItWas)
{
    std::vector<uint8_t> caps(300);
    for (size_t i = 0; i < caps.size(); ++i)
        caps[i] = uint8_t(i * 5 + 1);
    fake_gpu.capset_data[2] = caps;
    auto device = open(clock, true);
    ASSERT_TRUE(device) << rig.sink.all();
    std::vector<uint8_t> response(GpuDevice::large_response_bytes, 0xee);
    auto written
        = device->call_variable(gpu::make_get_capset(2, 2), CommandType::OkCapset, response);
    ASSERT_TRUE(written.has_value()) << rig.sink.all();
    size_t header = sizeof(gpu::ControlHeader);
    EXPECT_EQ(*written, header + caps.size());
    EXPECT_TRUE(std::equal(caps.begin(), caps.end(), response.begin() + long(header)));
    EXPECT_EQ(response[header + caps.size()], 0xee); // nothing past what the device wrote

    std::vector<uint8_t> small(40, 0xee); // room for less than the device says
    auto cut = device->call_variable(gpu::make_get_capset(2, 2), CommandType::OkCapset, small);
    ASSERT_TRUE(cut.has_value());
    EXPECT_EQ(*cut, header + caps.size());
    EXPECT_EQ(small[39], caps[39 - header]);

    // A capset the device does not have: an error answer like any other.
    EXPECT_EQ(
        device->call_variable(gpu::make_get_capset(7, 1), CommandType::OkCapset, response).error(),
        Error::DeviceError);
    EXPECT_TRUE(device->failed());
    expect_clean();
}

TEST_F(GpuDeviceTest, PayloadFollowsTheRequest)
{
    auto device = open(clock, true);
    ASSERT_TRUE(device) << rig.sink.all();
    rota::DmaRegion stream = rig.allocator.allocate(64, 16).release_value();
    for (uint32_t i = 0; i < 64; ++i)
        stream.bytes()[i] = uint8_t(0x80 + i);
    gpu::ContextId context {1};
    ASSERT_TRUE(device->call_with_payload(gpu::make_submit_3d(context, 64), {stream.phys(), 64})
                    .has_value())
        << rig.sink.all();
    ASSERT_TRUE(
        device->enqueue_with_payload(gpu::make_submit_3d(context, 16), {stream.phys(16), 16})
            .has_value());
    ASSERT_TRUE(device->kick().has_value());
    ASSERT_TRUE(device->drain().has_value());
    auto submissions = fake_gpu.submissions();
    ASSERT_EQ(submissions.size(), 2u);
    EXPECT_EQ(submissions[0], std::vector<uint8_t>(stream.bytes(), stream.bytes() + 64));
    EXPECT_EQ(submissions[1], std::vector<uint8_t>(stream.bytes(16), stream.bytes(32)));
    device.reset(); // before the stream it reads goes
    expect_clean();
}

TEST_F(GpuDeviceTest, WorksWithoutEdidOrEventIdx)
{
    rig.common.device_features = feature::version_1;
    rig.put_config<uint32_t>(12, 0); // no capsets
    auto device = open();
    ASSERT_TRUE(device) << rig.sink.all();
    EXPECT_EQ(rig.common.driver_features, feature::version_1);
    EXPECT_FALSE(device->info().edid_offered);
    EXPECT_FALSE(device->info().virgl_offered);
    EXPECT_FALSE(device->info().edid_mode.has_value());
    EXPECT_FALSE(device->queue().event_idx());
    EXPECT_EQ(fake_gpu.count(CommandType::GetEdid), 0); // not offered: never asked
    EXPECT_EQ(fake_gpu.count(CommandType::GetCapsetInfo), 0);
    EXPECT_EQ(device->info().display_info.pmodes[0].r.width, 1280u);
    expect_clean();
}

// EDID is optional, so a device that offers it and then
// refuses GET_EDID is still a display.
TEST_F(GpuDeviceTest, RefusedEdidIsLoggedAndTheDeviceGoesOn)
{
    fake_gpu.answer_with[CommandType::GetEdid] = CommandType::ErrUnspec;
    auto device = open();
    ASSERT_TRUE(device) << rig.sink.all();
    EXPECT_FALSE(device->failed());
    EXPECT_TRUE(device->info().edid_offered);
    EXPECT_FALSE(device->info().edid_mode.has_value());
    EXPECT_EQ(device->info().display_info.pmodes[0].r.width, 1280u);
    EXPECT_EQ(device->info().capset_ids[1], 2u); // the queries after EDID still ran
    EXPECT_TRUE(rig.sink.contains("[virtio-gpu] 00:01.0 GET_EDID failed: device answered "
                                  "ERR_UNSPEC (0x1200), expected OK_EDID: going on without it"))
        << rig.sink.all();
    make_screen(*device, 32, 16); // still usable
    EXPECT_FALSE(device->failed());
    expect_clean();
}

TEST_F(GpuDeviceTest, UnreadableEdidIsIgnored)
{
    fake_gpu.edid.assign(128, 0x55); // no EDID header
    auto device = open();
    ASSERT_TRUE(device) << rig.sink.all();
    EXPECT_FALSE(device->info().edid_mode.has_value());
    EXPECT_FALSE(device->failed());
    expect_clean();
}

TEST_F(GpuDeviceTest, ErrorAnswerToDisplayInfoFailsInitialisation)
{
    fake_gpu.answer_with[CommandType::GetDisplayInfo] = CommandType::ErrUnspec;
    EXPECT_FALSE(open());
    EXPECT_EQ(last_error, Error::DeviceError);
    EXPECT_TRUE(rig.sink.contains("[virtio-gpu] 00:01.0 GET_DISPLAY_INFO failed: device answered "
                                  "ERR_UNSPEC (0x1200), expected OK_DISPLAY_INFO"))
        << rig.sink.all();
    EXPECT_EQ(rig.common.status_writes.back(), 0);
    EXPECT_EQ(rig.allocator.live(), 0);
}

TEST_F(GpuDeviceTest, FramePathEnqueuesKicksOnceAndReaps)
{
    // Without EVENT_IDX the fake device never suppresses notifications
    // (2.7.7), so each kick that publishes something rings the doorbell.
    rig.common.device_features &= ~feature::event_idx;
    auto device = open();
    ASSERT_TRUE(device) << rig.sink.all();
    Screen& screen = make_screen(*device, 64, 32);
    for (uint32_t i = 0; i < 64 * 32; ++i)
        screen.pixels()[i] = 0xff000000u | i;
    (void)device->take_counters();
    size_t doorbells = rig.notify.writes.size();
    uint64_t commands = device->commands_submitted();

    ResourceId id {1};
    Rect damage[] = {{8, 4, 16, 8}, {40, 20, 10, 10}};
    for (const Rect& r : damage)
        ASSERT_TRUE(device->enqueue(gpu::make_transfer_to_host_2d(id, r, 64 * 4)).has_value());
    gpu::ResourceFlush flush = gpu::make_resource_flush(id, {8, 4, 42, 26});
    flush.header = gpu::make_fenced_header(CommandType::ResourceFlush, 7);
    ASSERT_TRUE(device->enqueue(flush).has_value());
    EXPECT_EQ(device->in_flight(), 3);
    EXPECT_EQ(device->free_slots(), GpuDevice::slot_count - 3);
    ASSERT_TRUE(device->kick().has_value());
    EXPECT_EQ(rig.notify.writes.size(), doorbells + 1); // one doorbell for three commands
    ASSERT_TRUE(device->drain().has_value()) << rig.sink.all();
    EXPECT_EQ(device->in_flight(), 0);
    EXPECT_EQ(device->commands_submitted(), commands + 3);

    rota::virtio::QueueCounters counters = device->take_counters();
    EXPECT_EQ(counters.completions, 3u);
    EXPECT_EQ(counters.notifies, 1u);
    EXPECT_GE(counters.fences, 2u); // virtio_wmb and virtio_mb in kick, virtio_rmb per used.idx
    EXPECT_EQ(device->take_counters().completions, 0u); // taking resets them

    auto resource = fake_gpu.resource(1);
    ASSERT_TRUE(resource.has_value());
    for (const Rect& r : damage) {
        for (int32_t y = r.y; y < r.bottom(); ++y)
            for (int32_t x = r.x; x < r.x + r.width; ++x)
                ASSERT_EQ(resource->pixels[size_t(y) * 64 + x], screen.pixels()[y * 64 + x])
                    << x << "," << y;
    }
    EXPECT_EQ(resource->pixels[0], 0u); // outside the damage: never transferred
    EXPECT_EQ(fake_gpu.fences(), std::vector<uint64_t> {7});
    expect_clean();
}

TEST_F(GpuDeviceTest, AllSlotsBusyIsBusyNotAFailure)
{
    auto device = open();
    ASSERT_TRUE(device) << rig.sink.all();
    make_screen(*device, 32, 32);
    ResourceId id {1};
    auto transfer = gpu::make_transfer_to_host_2d(id, {0, 0, 16, 16}, 32 * 4);
    for (uint16_t i = 0; i < GpuDevice::slot_count; ++i)
        ASSERT_TRUE(device->enqueue(transfer).has_value()) << i;
    EXPECT_EQ(device->free_slots(), 0);
    auto refused = device->enqueue(transfer);
    ASSERT_TRUE(refused.is_error());
    EXPECT_EQ(refused.error(), Error::Busy);
    EXPECT_FALSE(device->failed());
    ASSERT_TRUE(device->kick().has_value());
    ASSERT_TRUE(device->drain().has_value());
    EXPECT_EQ(fake_gpu.count(CommandType::TransferToHost2d), GpuDevice::slot_count);
    ASSERT_TRUE(device->enqueue(transfer).has_value()); // a slot is free again
    ASSERT_TRUE(device->kick().has_value());
    ASSERT_TRUE(device->drain().has_value());
    expect_clean();
}

TEST_F(GpuDeviceTest, ReapTakesWhatHasArrivedWithoutWaiting)
{
    auto device = open();
    ASSERT_TRUE(device) << rig.sink.all();
    make_screen(*device, 32, 32);
    EXPECT_TRUE(device->reap().has_value()); // nothing in flight: nothing to do
    uint64_t answered = fake->completed();
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(device->enqueue(gpu::make_resource_flush({1}, {0, 0, 8, 8})).has_value());
    ASSERT_TRUE(device->kick().has_value());
    while (fake->completed() < answered + 3)
        std::this_thread::yield();
    (void)device->take_counters();
    ASSERT_TRUE(device->reap().has_value());
    EXPECT_EQ(device->in_flight(), 0);
    auto counters = device->take_counters();
    EXPECT_EQ(counters.completions, 3u);
    EXPECT_EQ(counters.spins, 0u); // it stopped polling when nothing was left in flight
    device.reset();
    expect_clean();
}

class GpuErrorResponseTest : public GpuDeviceTest,
                             public ::testing::WithParamInterface<CommandType> { };

// Every error type (5.7.6.7) to a frame-path command fails the device: the
// display then fails over.
TEST_P(GpuErrorResponseTest, FailsTheDevice)
{
    auto device = open();
    ASSERT_TRUE(device) << rig.sink.all();
    make_screen(*device, 32, 32);
    fake_gpu.answer_with[CommandType::TransferToHost2d] = GetParam();
    ASSERT_TRUE(
        device->enqueue(gpu::make_transfer_to_host_2d({1}, {0, 0, 8, 8}, 32 * 4)).has_value());
    ASSERT_TRUE(device->kick().has_value());
    auto drained = device->drain();
    ASSERT_TRUE(drained.is_error());
    EXPECT_EQ(drained.error(), Error::DeviceError);
    EXPECT_TRUE(device->failed());
    char expected[160];
    std::snprintf(expected, sizeof expected,
        "[virtio-gpu] 00:01.0 TRANSFER_TO_HOST_2D failed: device answered %s (0x%x), expected "
        "OK_NODATA",
        gpu::command_name(GetParam()), static_cast<uint32_t>(GetParam()));
    EXPECT_TRUE(rig.sink.contains(expected)) << rig.sink.all();
    // Refused at once from now on, without a request.
    int transfers = fake_gpu.count(CommandType::TransferToHost2d);
    EXPECT_EQ(
        device->enqueue(gpu::make_resource_flush({1}, {0, 0, 8, 8})).error(), Error::DeviceError);
    EXPECT_EQ(
        device->call(gpu::make_header(CommandType::GetDisplayInfo)).error(), Error::DeviceError);
    EXPECT_EQ(device->kick().error(), Error::DeviceError);
    EXPECT_EQ(fake_gpu.count(CommandType::TransferToHost2d), transfers);
    expect_clean();
}

INSTANTIATE_TEST_SUITE_P(EveryErrorType, GpuErrorResponseTest,
    ::testing::Values(CommandType::ErrUnspec, CommandType::ErrOutOfMemory,
        CommandType::ErrInvalidScanoutId, CommandType::ErrInvalidResourceId,
        CommandType::ErrInvalidContextId, CommandType::ErrInvalidParameter),
    [](const ::testing::TestParamInfo<CommandType>& param) {
        std::string name = gpu::command_name(param.param);
        std::erase(name, '_');
        return name;
    });

TEST_F(GpuDeviceTest, WrongOkTypeAndShortAnswersFailTheDevice)
{
    fake_gpu.answer_with[CommandType::GetCapsetInfo] = CommandType::OkNodata;
    EXPECT_FALSE(open());
    EXPECT_TRUE(rig.sink.contains("GET_CAPSET_INFO failed: device answered OK_NODATA (0x1100), "
                                  "expected OK_CAPSET_INFO"))
        << rig.sink.all();

    fake_gpu.answer_with.clear();
    fake_gpu.answer_length[CommandType::GetDisplayInfo] = 8;
    EXPECT_FALSE(open());
    EXPECT_TRUE(
        rig.sink.contains("GET_DISPLAY_INFO failed: response of 8 bytes, shorter than its header"))
        << rig.sink.all();
    EXPECT_EQ(rig.allocator.live(), 0);
}

// debug=gpu-fault's command: a transfer for a resource that does not exist.
// QEMU answers ERR_INVALID_RESOURCE_ID; the device fails and the display
// abandons it, which resets it so it stops reading the backing.
TEST_F(GpuDeviceTest, FaultLeadsToFailOverAndAReset)
{
    auto device = open();
    ASSERT_TRUE(device) << rig.sink.all();
    make_screen(*device, 32, 32);
    ASSERT_TRUE(
        device->enqueue(gpu::make_transfer_to_host_2d({1}, {0, 0, 16, 16}, 32 * 4)).has_value());
    ASSERT_TRUE(
        device->enqueue(gpu::make_transfer_to_host_2d({99}, {0, 0, 16, 16}, 32 * 4)).has_value());
    ASSERT_TRUE(device->kick().has_value());
    EXPECT_EQ(device->drain().error(), Error::DeviceError);
    EXPECT_TRUE(device->failed());
    EXPECT_TRUE(rig.sink.contains("TRANSFER_TO_HOST_2D failed: device answered "
                                  "ERR_INVALID_RESOURCE_ID (0x1203), expected OK_NODATA"))
        << rig.sink.all();
    device->shut_down();
    EXPECT_TRUE(rig.sink.contains("[virtio-gpu] 00:01.0 reset")) << rig.sink.all();
    EXPECT_EQ(rig.common.status, 0);
    size_t writes = rig.common.status_writes.size();
    device.reset();
    EXPECT_EQ(rig.common.status_writes.size(), writes); // already reset: not again
    EXPECT_EQ(rig.allocator.live(), 1); // only the test's backing
    expect_clean();
}

TEST_F(GpuDeviceTest, BrokenQueueFailsTheDevice)
{
    behaviour.corrupt_id = 999; // the first completion names no chain
    EXPECT_FALSE(open());
    EXPECT_EQ(last_error, Error::DeviceError);
    EXPECT_TRUE(rig.sink.contains(
        "[virtio-gpu] 00:01.0 control queue broken: used id 999 out of range (size 64)"))
        << rig.sink.all();
    EXPECT_EQ(rig.common.status_writes.back(), 0);
    EXPECT_EQ(rig.allocator.live(), 0);
}

TEST_F(GpuDeviceTest, SilentDeviceTimesOutInsteadOfHanging)
{
    behaviour.never_answer = true;
    ManualPollClock manual;
    EXPECT_FALSE(open(manual));
    EXPECT_EQ(last_error, Error::Timeout);
    EXPECT_TRUE(rig.sink.contains("[virtio-gpu] 00:01.0 GET_DISPLAY_INFO: no answer in 1000 ms"))
        << rig.sink.all();
    EXPECT_GE(manual.relaxes, 1000u);
    EXPECT_EQ(rig.common.status_writes.back(), 0);
    EXPECT_EQ(rig.allocator.live(), 0);
}

// GpuDevice::create leaked its slot memory and freed the rings
// without a reset when an allocation failed. Fail each allocation in turn.
TEST_F(GpuDeviceTest, EveryPartialAllocationFailureResetsAndLeaksNothing)
{
    auto device = open();
    ASSERT_TRUE(device);
    int needed = rig.allocator.allocations;
    EXPECT_EQ(needed, 4); // rings, shadow, request slots, large responses
    device.reset();
    for (int n = 1; n <= needed; ++n) {
        SCOPED_TRACE(n);
        rig.sink.lines.clear();
        rig.allocator.allocations = 0;
        rig.allocator.fail_at = n;
        size_t writes = rig.common.status_writes.size();
        EXPECT_FALSE(open());
        EXPECT_EQ(last_error, Error::OutOfMemory);
        EXPECT_EQ(rig.allocator.live(), 0);
        std::vector<uint8_t> status(
            rig.common.status_writes.begin() + long(writes), rig.common.status_writes.end());
        EXPECT_TRUE(std::any_of(status.begin(), status.end(),
            [](uint8_t s) { return (s & rota::virtio::status::failed) != 0; }));
        if (n > 2) { // the device had the ring addresses: reset before they were freed
            EXPECT_EQ(status.back(), 0);
        }
        EXPECT_TRUE(rig.sink.contains(
            n <= 2 ? "control queue setup failed" : "setup failed: no memory for command slots"))
            << rig.sink.all();
    }
    expect_clean();
}

TEST_F(GpuDeviceTest, ResetThatNeverCompletesKeepsTheMemory)
{
    auto device = open();
    ASSERT_TRUE(device) << rig.sink.all();
    rig.common.reset_reads_before_zero = -1;
    rig.allocator.on_free = nullptr;
    size_t dma_bytes = rig.allocator.live_bytes();
    device->shut_down();
    EXPECT_TRUE(rig.sink.contains("[virtio-gpu] 00:01.0 did not complete its reset"))
        << rig.sink.all();
    EXPECT_TRUE(rig.sink.contains("[virtio-gpu] 00:01.0 reset did not complete in 1000 ms: keeping "
                                  "the "))
        << rig.sink.all();
    device.reset();
    // The rings, slots and large responses stay; only the private shadow went.
    EXPECT_EQ(rig.allocator.live(), 3);
    EXPECT_LT(rig.allocator.live_bytes(), dma_bytes);
    fake->stop(); // the device never stopped: stop it before the memory goes
    rig.allocator.reclaim_kept();
}
