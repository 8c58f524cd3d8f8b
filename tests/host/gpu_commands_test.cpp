#include "virtio/gpu/commands.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

using namespace rota;
using namespace rota::gpu;

namespace {

template<class T>
std::vector<uint8_t> bytes_of(const T& value)
{
    std::vector<uint8_t> out(sizeof(T));
    std::memcpy(out.data(), &value, sizeof(T));
    return out;
}

// Little-endian words, as the spec's le32/le64 fields are laid out.
void put32(std::vector<uint8_t>& v, uint32_t x)
{
    for (int i = 0; i < 4; ++i)
        v.push_back(static_cast<uint8_t>(x >> (8 * i)));
}
void put64(std::vector<uint8_t>& v, uint64_t x)
{
    put32(v, static_cast<uint32_t>(x));
    put32(v, static_cast<uint32_t>(x >> 32));
}
std::vector<uint8_t> header_bytes(uint32_t type, uint32_t flags = 0, uint64_t fence = 0)
{
    std::vector<uint8_t> v;
    put32(v, type);
    put32(v, flags);
    put64(v, fence);
    put32(v, 0); // ctx_id
    put32(v, 0); // ring_idx + padding
    return v;
}

} // namespace

TEST(GpuCommands, ResourceCreate2dBytes)
{
    auto expected = header_bytes(0x0101);
    put32(expected, 1); // resource_id
    put32(expected, 2); // B8G8R8X8_UNORM
    put32(expected, 1280); // width
    put32(expected, 800); // height
    EXPECT_EQ(bytes_of(make_resource_create_2d({1}, Format::B8G8R8X8Unorm, 1280, 800)), expected);
}

TEST(GpuCommands, AttachBackingWithOneEntryBytes)
{
    auto expected = header_bytes(0x0106);
    put32(expected, 7);
    put32(expected, 1); // nr_entries
    put64(expected, 0x12345000);
    put32(expected, 1280 * 800 * 4);
    put32(expected, 0);
    EXPECT_EQ(bytes_of(make_attach_backing({7}, PhysAddr(0x12345000), 1280 * 800 * 4)), expected);
}

TEST(GpuCommands, SetScanoutBytes)
{
    auto expected = header_bytes(0x0103);
    for (uint32_t x : {0u, 0u, 1024u, 768u, 0u /* scanout */, 3u /* resource */})
        put32(expected, x);
    EXPECT_EQ(bytes_of(make_set_scanout({0}, {3}, {0, 0, 1024, 768})), expected);
}

TEST(GpuCommands, TransferCarriesTheRectanglesByteOffset)
{
    auto expected = header_bytes(0x0105);
    for (uint32_t x : {100u, 50u, 200u, 10u})
        put32(expected, x);
    put64(expected, 50ull * 1280 * 4 + 100 * 4); // offset of (100, 50) in a 1280-wide backing
    put32(expected, 1);
    put32(expected, 0);
    EXPECT_EQ(bytes_of(make_transfer_to_host_2d({1}, {100, 50, 200, 10}, 1280 * 4)), expected);
}

TEST(GpuCommands, FlushAndFencedHeaderBytes)
{
    auto expected = header_bytes(0x0104);
    for (uint32_t x : {1u, 2u, 3u, 4u, 9u, 0u})
        put32(expected, x);
    EXPECT_EQ(bytes_of(make_resource_flush({9}, {1, 2, 3, 4})), expected);
    EXPECT_EQ(
        bytes_of(make_fenced_header(CommandType::ResourceFlush, 42)), header_bytes(0x0104, 1, 42));
}

TEST(GpuCommands, EdidAndCapsetInfoRequests)
{
    auto edid = header_bytes(0x010a);
    put32(edid, 0);
    put32(edid, 0);
    EXPECT_EQ(bytes_of(make_get_edid({0})), edid);
    auto capset = header_bytes(0x0108);
    put32(capset, 1);
    put32(capset, 0);
    EXPECT_EQ(bytes_of(make_get_capset_info(1)), capset);
}

TEST(GpuResponses, OkNodataAccepted)
{
    auto response = bytes_of(make_header(CommandType::OkNodata));
    EXPECT_TRUE(
        check_response(response, response.size(), CommandType::OkNodata, sizeof(ControlHeader))
            .has_value());
}

TEST(GpuResponses, ErrorTypeIsRejectedAndReported)
{
    auto response = bytes_of(make_header(CommandType::ErrInvalidResourceId));
    CommandType said {};
    auto result = check_response(
        response, response.size(), CommandType::OkNodata, sizeof(ControlHeader), &said);
    ASSERT_TRUE(result.is_error());
    EXPECT_EQ(result.error(), Error::DeviceError);
    EXPECT_EQ(said, CommandType::ErrInvalidResourceId);
    EXPECT_STREQ(command_name(said), "ERR_INVALID_RESOURCE_ID");
}

TEST(GpuResponses, WrongOkTypeIsRejected)
{
    auto response = bytes_of(make_header(CommandType::OkNodata));
    EXPECT_TRUE(check_response(
        response, response.size(), CommandType::OkDisplayInfo, sizeof(ResponseDisplayInfo))
                    .is_error());
}

TEST(GpuResponses, ShortResponsesAreRejected)
{
    ResponseDisplayInfo info {};
    info.header = make_header(CommandType::OkDisplayInfo);
    auto response = bytes_of(info);
    EXPECT_TRUE(check_response(response, 10, CommandType::OkDisplayInfo, sizeof info).is_error());
    EXPECT_TRUE(
        check_response(response, sizeof(ControlHeader), CommandType::OkDisplayInfo, sizeof info)
            .is_error());
    EXPECT_TRUE(
        check_response(response, sizeof info, CommandType::OkDisplayInfo, sizeof info).has_value());
}

TEST(GpuTransfers, OrdinaryRectanglesPassThrough)
{
    Rect damage[] = {{360, 100, 560, 560}, {10, 700, 100, 20}};
    TransferToHost2d out[8];
    ASSERT_EQ(plan_transfers(damage, 1280, 800, {1}, out), 2u);
    EXPECT_EQ(out[0].r.x, 360u);
    EXPECT_EQ(out[0].offset, 100ull * 1280 * 4 + 360 * 4);
    EXPECT_EQ(out[1].r.height, 20u);
}

TEST(GpuTransfers, FullWidthTopStripIsSplitToAvoidTheWholeImageCopy)
{
    Rect damage[] = {{0, 0, 1280, 40}};
    TransferToHost2d out[8];
    ASSERT_EQ(plan_transfers(damage, 1280, 800, {1}, out), 2u);
    for (size_t i = 0; i < 2; ++i) {
        // Neither transfer may be (0, 0, full width): QEMU would copy 4 MB.
        EXPECT_FALSE(out[i].r.x == 0 && out[i].r.y == 0 && out[i].r.width == 1280u);
        EXPECT_EQ(out[i].r.height, 40u);
    }
    EXPECT_EQ(out[0].r.width + out[1].r.width, 1280u);
    EXPECT_EQ(out[1].offset, 640u * 4);
}

TEST(GpuTransfers, WholeScreenIsOneTransfer)
{
    Rect damage[] = {{0, 0, 1280, 800}};
    TransferToHost2d out[8];
    ASSERT_EQ(plan_transfers(damage, 1280, 800, {1}, out), 1u);
    EXPECT_EQ(out[0].offset, 0u);
}

TEST(GpuTransfers, FullWidthStripsElsewhereAreFine)
{
    Rect damage[] = {{0, 10, 1280, 40}};
    TransferToHost2d out[8];
    ASSERT_EQ(plan_transfers(damage, 1280, 800, {1}, out), 1u);
}

TEST(GpuTransfers, NeverWritesPastTheOutput)
{
    Rect damage[] = {{0, 0, 1280, 40}, {0, 0, 1280, 40}};
    TransferToHost2d out[3];
    EXPECT_EQ(plan_transfers(damage, 1280, 800, {1}, out), 3u);
}

TEST(GpuScanout, FirstEnabledScanoutAndItsPreferredMode)
{
    ResponseDisplayInfo info {};
    info.pmodes[1] = {{0, 0, 1024, 768}, 1, 0};
    auto choice = choose_scanout(info, std::nullopt);
    ASSERT_TRUE(choice.has_value());
    EXPECT_EQ(choice->scanout.value, 1u);
    EXPECT_EQ(choice->mode.width, 1024u);
    auto wanted = choose_scanout(info, DisplayMode {800, 600});
    EXPECT_EQ(wanted->mode.width, 800u);
}

TEST(GpuScanout, NothingEnabledNothingWanted)
{
    ResponseDisplayInfo info {};
    EXPECT_FALSE(choose_scanout(info, std::nullopt).has_value());
    EXPECT_EQ(choose_scanout(info, DisplayMode {640, 480})->scanout.value, 0u);
}
