#include "virtio/blk/blk_config.h"
#include "fuzz_target.h"
#include "support/fuzz_input.h"
#include "support/register_file.h"
#include "virtio/blk/protocol.h"
#include "virtio/device/features.h"
#include "virtio/transport/config_read.h"

// struct virtio_blk_config (virtio 1.2, 5.2.4) as a device may present it:
// any length, any values, any negotiated features, a generation counter that
// may never settle. The driver gets a usable configuration or an error.
//
// Input: negotiated features (8 bytes), the structure's length (1), a
// generation script of n % 32 bytes (n: 1 byte), then the structure's bytes.
ROTA_FUZZ_TARGET(blk_config)
{
    using namespace rota;
    fuzz::FuzzInput input(data);
    uint64_t features = input.take<uint64_t>();
    uint32_t length = input.take<uint8_t>(); // the device capability's length
    auto script = input.take_bytes(input.take<uint8_t>() % 32);
    auto bytes = input.rest();

    virtio::VirtioPciLayout layout;
    layout.common = {PhysAddr(0x1000), virtio::min_common_length};
    layout.notify = {PhysAddr(0x2000), virtio::min_notify_length};
    layout.device = {PhysAddr(0x3000), length};
    fuzz::GenerationScript common(script);
    fuzz::ByteRegisters notify({}, 4);
    fuzz::ByteRegisters device(bytes, length);
    virtio::PciTransport transport(layout, common, notify, nullptr, &device);

    auto config = blk::read_blk_config(transport, features);
    if (config.is_error()) {
        FUZZ_CHECK((config.error() == Error::DeviceError && length < blk::config::minimum_length)
            || (config.error() == Error::Busy
                && common.reads == 2 * size_t(virtio::max_config_read_attempts)));
        return;
    }
    FUZZ_CHECK(length >= blk::config::minimum_length);
    const blk::BlkConfig& c = config.value();
    // Requests are built from these: a block size the request code can divide by.
    FUZZ_CHECK(c.block_bytes >= blk::sector_bytes && c.block_bytes <= 65536);
    FUZZ_CHECK((c.block_bytes & (c.block_bytes - 1)) == 0);
    bool offered = (features & virtio::feature_bit(blk::feature::blk_size)) != 0;
    FUZZ_CHECK(offered || (c.block_bytes == blk::sector_bytes && !c.blk_size_ignored));
    FUZZ_CHECK(c.read_only == ((features & virtio::feature_bit(blk::feature::read_only)) != 0));
    FUZZ_CHECK(c.flush == ((features & virtio::feature_bit(blk::feature::flush)) != 0));
    // A configuration that stayed put reads back as the device wrote it.
    if (length >= 8 && bytes.size() >= 8) {
        uint64_t capacity = 0;
        std::memcpy(&capacity, bytes.data(), 8);
        FUZZ_CHECK(c.capacity_sectors == capacity);
    }
}
