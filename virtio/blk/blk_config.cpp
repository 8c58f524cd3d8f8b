#include "virtio/blk/blk_config.h"

#include "virtio/blk/protocol.h"
#include "virtio/device/features.h"
#include "virtio/transport/config_read.h"

namespace rota::blk {

namespace {

bool has(uint64_t features, unsigned bit)
{
    return (features & virtio::feature_bit(bit)) != 0;
}

bool sane_block_size(uint32_t bytes)
{
    return bytes >= sector_bytes && bytes <= 65536 && (bytes & (bytes - 1)) == 0;
}

} // namespace

uint64_t blk_wanted_features()
{
    return virtio::feature_bit(feature::size_max) | virtio::feature_bit(feature::seg_max)
        | virtio::feature_bit(feature::read_only) | virtio::feature_bit(feature::blk_size)
        | virtio::feature_bit(feature::flush);
}

Expected<BlkConfig> read_blk_config(virtio::PciTransport& transport, uint64_t features)
{
    if (transport.device_config_length() < config::minimum_length)
        return make_error(Error::DeviceError);
    BlkConfig result = TRY(virtio::read_config_stable(transport, [&] {
        BlkConfig c;
        c.capacity_sectors = transport.read_config64(config::capacity);
        if (has(features, feature::size_max))
            c.size_max = transport.read_config32(config::size_max);
        if (has(features, feature::seg_max))
            c.seg_max = transport.read_config32(config::seg_max);
        if (has(features, feature::blk_size))
            c.block_bytes = transport.read_config32(config::blk_size);
        return c;
    }));
    if (!sane_block_size(result.block_bytes)) {
        // Requests are in 512-byte sectors whatever blk_size says (5.2.5), so a
        // nonsensical value only costs the alignment it was meant to buy.
        result.block_bytes = sector_bytes;
        result.blk_size_ignored = true;
    }
    result.read_only = has(features, feature::read_only);
    result.flush = has(features, feature::flush);
    return result;
}

} // namespace rota::blk
