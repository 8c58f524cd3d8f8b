// virtio-blk's pure parts: request header bytes, status checking, splitting a
// transfer, the configuration read, and the self-test's pattern.

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "support/virtio_pci_rig.h"
#include "virtio/blk/blk_config.h"
#include "virtio/blk/protocol.h"
#include "virtio/blk/request.h"
#include "virtio/blk/selftest_pattern.h"
#include "virtio/blk/split.h"
#include "virtio/device/features.h"
#include "virtio/transport/pci_transport.h"
#include "virtio_fake_registers.h"

using namespace rota::blk;
using rota::Error;

TEST(BlkRequest, HeaderBytesFollowTheSpec)
{
    RequestHeader header = make_request_header(RequestType::Out, 0x0102030405060708ull);
    uint8_t bytes[16];
    std::memcpy(bytes, &header, sizeof bytes);
    const uint8_t expected[16] = {1, 0, 0, 0, 0, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1};
    EXPECT_EQ(std::memcmp(bytes, expected, 16), 0);
    EXPECT_EQ(make_request_header(RequestType::In, 9).type, 0u);
    EXPECT_EQ(make_request_header(RequestType::In, 9).sector, 9u);
    // 5.2.6: the sector is 0 for everything but reads and writes.
    EXPECT_EQ(make_request_header(RequestType::Flush, 9).type, 4u);
    EXPECT_EQ(make_request_header(RequestType::Flush, 9).sector, 0u);
    EXPECT_EQ(make_request_header(RequestType::GetId, 9).type, 8u);
    EXPECT_EQ(make_request_header(RequestType::GetId, 9).sector, 0u);
    EXPECT_EQ(make_request_header(RequestType::GetId, 9).reserved, 0u);
}

TEST(BlkRequest, StatusIsChecked)
{
    EXPECT_TRUE(check_status(status_ok).has_value());
    EXPECT_EQ(check_status(status_ioerr).error(), Error::DeviceError);
    EXPECT_EQ(check_status(status_unsupp).error(), Error::Unsupported);
    EXPECT_EQ(check_status(status_unwritten).error(), Error::DeviceError);
    EXPECT_EQ(check_status(3).error(), Error::DeviceError);
    EXPECT_FALSE(status_is_protocol_violation(status_ok));
    EXPECT_FALSE(status_is_protocol_violation(status_ioerr));
    EXPECT_FALSE(status_is_protocol_violation(status_unsupp));
    EXPECT_TRUE(status_is_protocol_violation(status_unwritten));
    EXPECT_TRUE(status_is_protocol_violation(3));
    EXPECT_STREQ(status_name(status_ioerr), "IOERR");
    EXPECT_STREQ(status_name(status_unsupp), "UNSUPP");
    EXPECT_STREQ(status_name(status_unwritten), "unwritten");
    EXPECT_STREQ(status_name(7), "invalid");
    EXPECT_STREQ(request_type_name(RequestType::GetId), "get-id");
}

TEST(BlkSplit, LimitsCombine)
{
    EXPECT_EQ(max_request_sectors(65536, 0, 512), 128u);
    EXPECT_EQ(max_request_sectors(65536, 4096, 512), 8u); // size_max bounds the data segment
    EXPECT_EQ(max_request_sectors(65536, 5000, 512), 9u);
    EXPECT_EQ(max_request_sectors(65536, 5000, 4096), 8u); // whole blocks only
    EXPECT_EQ(max_request_sectors(65536, 511, 512), 0u); // nothing fits
    EXPECT_EQ(max_request_sectors(4096, 0, 512), 8u);
}

TEST(BlkSplit, RangeChecksDoNotOverflow)
{
    EXPECT_TRUE(range_fits(0, 100, 100));
    EXPECT_TRUE(range_fits(100, 0, 100));
    EXPECT_FALSE(range_fits(1, 100, 100));
    EXPECT_FALSE(range_fits(101, 0, 100));
    EXPECT_FALSE(range_fits(~0ull, 2, 100));
    EXPECT_FALSE(range_fits(2, ~0ull, 100));
}

TEST(BlkSplit, ChunksCoverTheTransferAlignedAfterTheFirst)
{
    RequestSplitter split(3, 300, 128, 8);
    std::vector<Chunk> chunks;
    while (!split.done())
        chunks.push_back(split.next());
    ASSERT_EQ(chunks.size(), 3u);
    EXPECT_EQ(chunks[0].sector, 3u);
    EXPECT_EQ(chunks[0].sectors, 125u); // up to sector 128, a granule boundary
    EXPECT_EQ(chunks[0].byte_offset, 0u);
    EXPECT_EQ(chunks[1].sector, 128u);
    EXPECT_EQ(chunks[1].sectors, 128u);
    EXPECT_EQ(chunks[1].byte_offset, 125u * 512);
    EXPECT_EQ(chunks[2].sector, 256u);
    EXPECT_EQ(chunks[2].sectors, 47u); // to the end, sector 303
    EXPECT_EQ(chunks[2].byte_offset, 253u * 512);
}

TEST(BlkSplit, EverySectorOnceInOrder)
{
    for (uint64_t start : {0ull, 1ull, 7ull, 8ull, 1000ull}) {
        for (uint64_t count : {1ull, 7ull, 8ull, 9ull, 128ull, 129ull, 1000ull}) {
            RequestSplitter split(start, count, 16, 8);
            uint64_t next = start;
            while (!split.done()) {
                Chunk c = split.next();
                ASSERT_EQ(c.sector, next);
                ASSERT_GT(c.sectors, 0u);
                ASSERT_LE(c.sectors, 16u);
                ASSERT_EQ(c.byte_offset, (c.sector - start) * 512);
                if (c.sector != start) {
                    ASSERT_EQ(c.sector % 8, 0u) << "later requests start on a granule";
                }
                next += c.sectors;
            }
            EXPECT_EQ(next, start + count);
        }
    }
    RequestSplitter empty(5, 0, 16, 8);
    EXPECT_TRUE(empty.done());
}

namespace {

// A device configuration structure with the given fields (5.2.4).
struct ConfigFixture : virtio_test::VirtioPciRig {
    template<class T>
    void put(uint32_t offset, T value)
    {
        put_config(offset, value);
    }
    virtio_test::FakeDeviceConfig& device = config;
};

uint64_t bit(unsigned n)
{
    return rota::virtio::feature_bit(n);
}

} // namespace

TEST(BlkConfig, FieldsAreReadOnlyWhenTheirFeatureWasNegotiated)
{
    ConfigFixture f;
    f.put<uint64_t>(0, 131072);
    f.put<uint32_t>(8, 65536);
    f.put<uint32_t>(12, 254);
    f.put<uint32_t>(20, 4096);
    auto none = read_blk_config(f.transport, rota::virtio::feature::version_1);
    ASSERT_TRUE(none.has_value());
    EXPECT_EQ(none->capacity_sectors, 131072u);
    EXPECT_EQ(none->size_max, 0u);
    EXPECT_EQ(none->seg_max, 0u);
    EXPECT_EQ(none->block_bytes, 512u);
    EXPECT_FALSE(none->read_only);
    EXPECT_FALSE(none->flush);

    uint64_t all = bit(feature::size_max) | bit(feature::seg_max) | bit(feature::blk_size)
        | bit(feature::read_only) | bit(feature::flush) | bit(feature::topology);
    auto full = read_blk_config(f.transport, all);
    ASSERT_TRUE(full.has_value());
    EXPECT_EQ(full->size_max, 65536u);
    EXPECT_EQ(full->seg_max, 254u);
    EXPECT_EQ(full->block_bytes, 4096u);
    EXPECT_TRUE(full->read_only);
    EXPECT_TRUE(full->flush);
    EXPECT_FALSE(full->blk_size_ignored);
    EXPECT_EQ(blk_wanted_features(), all);
}

TEST(BlkConfig, NonsenseBlockSizeFallsBackToSectors)
{
    for (uint32_t bad : {0u, 100u, 768u, 1u << 20}) {
        ConfigFixture f;
        f.put<uint32_t>(20, bad);
        auto config = read_blk_config(f.transport, bit(feature::blk_size));
        ASSERT_TRUE(config.has_value());
        EXPECT_EQ(config->block_bytes, 512u) << bad;
        EXPECT_TRUE(config->blk_size_ignored) << bad;
    }
}

// A 512e disk (QEMU's physical_block_size=4096,
// logical_block_size=512) says so through TOPOLOGY: blk_size 512,
// physical_block_exp 3. The physical block is what a torn write can damage.
TEST(BlkConfig, TopologyGivesThePhysicalBlock)
{
    ConfigFixture f;
    f.put<uint32_t>(20, 512); // blk_size
    f.put<uint8_t>(24, 3); // physical_block_exp
    f.put<uint8_t>(25, 0); // alignment_offset
    f.put<uint16_t>(26, 8); // min_io_size
    f.put<uint32_t>(28, 0); // opt_io_size
    uint64_t with = bit(feature::blk_size) | bit(feature::topology);
    auto e512 = read_blk_config(f.transport, with);
    ASSERT_TRUE(e512.has_value());
    EXPECT_EQ(e512->block_bytes, 512u);
    EXPECT_EQ(e512->physical_block_bytes, 4096u);
    EXPECT_EQ(e512->alignment_offset_bytes, 0u);
    EXPECT_FALSE(e512->topology_ignored);

    // Not negotiated: the logical block is all that is known.
    auto without = read_blk_config(f.transport, bit(feature::blk_size));
    EXPECT_EQ(without->physical_block_bytes, 512u);

    // A partition that starts 7 logical blocks into a physical block.
    f.put<uint8_t>(25, 7);
    EXPECT_EQ(read_blk_config(f.transport, with)->alignment_offset_bytes, 3584u);

    // Nonsense (device input) is ignored, never trusted or asserted on.
    for (auto [exponent, alignment] : {std::pair<uint8_t, uint8_t> {8, 0}, {200, 0}, {3, 8}}) {
        f.put<uint8_t>(24, exponent);
        f.put<uint8_t>(25, alignment);
        auto bad = read_blk_config(f.transport, with);
        ASSERT_TRUE(bad.has_value());
        EXPECT_EQ(bad->physical_block_bytes, 512u) << int(exponent) << "/" << int(alignment);
        EXPECT_EQ(bad->alignment_offset_bytes, 0u);
        EXPECT_TRUE(bad->topology_ignored);
    }
}

TEST(BlkConfig, CapacityIsReadConsistently)
{
    ConfigFixture f;
    f.put<uint64_t>(0, 0x100000000ull);
    f.device.generation_bumps = 2; // changes during the first attempt
    auto config = read_blk_config(f.transport, 0);
    ASSERT_TRUE(config.has_value());
    EXPECT_EQ(config->capacity_sectors, 0x100000000ull);
    f.device.generation_bumps = -1;
    EXPECT_EQ(read_blk_config(f.transport, 0).error(), Error::Busy);
}

TEST(BlkSelftestPattern, SectorsAreSelfDescribing)
{
    std::vector<uint8_t> a(512), b(512), zero(512, 0);
    fill_selftest_sector(2048, 77, a);
    fill_selftest_sector(2049, 77, b);
    EXPECT_EQ(std::memcmp(a.data(), "rota-blk-selftst", 16), 0);
    EXPECT_NE(a, b);
    EXPECT_TRUE(selftest_sector_matches(2048, 77, a));
    EXPECT_FALSE(selftest_sector_matches(2048, 78, a)); // another run's stamp
    EXPECT_FALSE(selftest_sector_matches(2049, 77, a)); // another sector's data
    EXPECT_EQ(classify_scratch_sector(2048, a), ScratchContent::Pattern);
    EXPECT_EQ(classify_scratch_sector(2049, a), ScratchContent::Other); // misplaced
    EXPECT_EQ(classify_scratch_sector(2048, zero), ScratchContent::Zero);
    for (size_t i = 0; i < 512; i += 37) {
        std::vector<uint8_t> bad = a;
        bad[i] ^= 1;
        EXPECT_EQ(classify_scratch_sector(2048, bad), ScratchContent::Other) << i;
    }
}
