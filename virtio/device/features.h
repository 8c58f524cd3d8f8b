#pragma once

#include <cstdint>

// Device status bits (virtio 1.2, 2.1) and the device-independent feature bits
// rota's virtio core understands (2.2 and 6). Device-specific bits belong to
// the drivers; the core accepts them only in the ranges 2.2 reserves for them.

namespace rota::virtio {

namespace status {
inline constexpr uint8_t acknowledge = 1;
inline constexpr uint8_t driver = 2;
inline constexpr uint8_t driver_ok = 4;
inline constexpr uint8_t features_ok = 8;
inline constexpr uint8_t device_needs_reset = 64;
inline constexpr uint8_t failed = 128;
} // namespace status

constexpr uint64_t feature_bit(unsigned bit)
{
    return uint64_t(1) << bit;
}

namespace feature {
inline constexpr uint64_t indirect_desc = feature_bit(28);
inline constexpr uint64_t event_idx = feature_bit(29);
inline constexpr uint64_t version_1 = feature_bit(32);
inline constexpr uint64_t access_platform = feature_bit(33);
inline constexpr uint64_t ring_packed = feature_bit(34);
} // namespace feature

// 2.2: bits 0-23 and 50-127 are the device type's; 24-49 are the transport's
// and reserved ones. Of those, the core implements only EVENT_IDX (2.7.7,
// 2.7.10) and VERSION_1 (required: rota drives modern devices only). It never
// accepts INDIRECT_DESC, RING_PACKED or ACCESS_PLATFORM, whose rules its
// split queue does not follow.
inline constexpr uint64_t device_specific_features = 0x00ff'ffffull | (~uint64_t(0) << 50);
inline constexpr uint64_t core_features = feature::event_idx | feature::version_1;

} // namespace rota::virtio
