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
        | virtio::feature_bit(feature::flush) | virtio::feature_bit(feature::topology);
}

Expected<BlkConfig> read_blk_config(virtio::PciTransport& transport, uint64_t features)
{
    if (transport.device_config_length() < config::minimum_length)
        return make_error(Error::DeviceError);
    bool topology = has(features, feature::topology);
    bool topology_fits = transport.device_config_length() >= config::topology_end;
    uint8_t exponent = 0, alignment = 0;
    BlkConfig result = TRY(virtio::read_config_stable(transport, [&] {
        BlkConfig c;
        if (topology && topology_fits) {
            exponent = transport.read_config8(config::physical_block_exp);
            alignment = transport.read_config8(config::alignment_offset);
        }
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
    result.physical_block_bytes = result.block_bytes;
    if (topology) {
        // 5.2.4: physical_block_exp logical blocks per physical block. Only
        // a physical block of up to 64 KiB that the alignment offset lies
        // within is believed; otherwise logical blocks are all rota assumes.
        uint64_t physical = uint64_t(result.block_bytes) << (exponent < 32 ? exponent : 32);
        uint64_t offset = uint64_t(alignment) * result.block_bytes;
        if (topology_fits && physical <= 65536 && offset < physical) {
            result.physical_block_bytes = uint32_t(physical);
            result.alignment_offset_bytes = uint32_t(offset);
        } else {
            result.topology_ignored = true;
        }
    }
    result.read_only = has(features, feature::read_only);
    result.flush = has(features, feature::flush);
    return result;
}

} // namespace rota::blk
