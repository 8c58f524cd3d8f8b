#pragma once

#include <cstddef>
#include <cstdint>

#include "core/pci/virtio_ids.h"

// The virtio-blk wire format, virtio 1.2 section 5.2. Little-endian, as on
// x86; every struct is static_asserted to the size the spec's C layout gives.
// Sector numbers are always in 512-byte units, whatever blk_size says (5.2.5).

namespace rota::blk {

inline constexpr uint32_t sector_bytes = 512;

// 5.2.2 PCI device IDs: 0x1040 + type 2 (modern, core/pci/virtio_ids.h), and
// the transitional ID (4.1.2.3).
inline constexpr uint16_t pci_device_modern = virtio_modern_device_id(VirtioDeviceType::Block);
inline constexpr uint16_t pci_device_transitional = 0x1001;

// 5.2.3 Feature bits rota knows about (the others are never accepted).
namespace feature {
inline constexpr unsigned size_max = 1; // size_max: largest single segment
inline constexpr unsigned seg_max = 2; // seg_max: segments per request
inline constexpr unsigned geometry = 4;
inline constexpr unsigned read_only = 5;
inline constexpr unsigned blk_size = 6; // blk_size: the optimal request granule
inline constexpr unsigned flush = 9; // VIRTIO_BLK_T_FLUSH exists; without it writes are durable
inline constexpr unsigned topology = 10;
inline constexpr unsigned config_wce = 11;
} // namespace feature

// 5.2.4 Device configuration layout: the offsets of the fields rota reads.
namespace config {
inline constexpr uint32_t capacity = 0; // le64, in 512-byte sectors; always present
inline constexpr uint32_t size_max = 8; // le32, with feature::size_max
inline constexpr uint32_t seg_max = 12; // le32, with feature::seg_max
inline constexpr uint32_t blk_size = 20; // le32, with feature::blk_size
inline constexpr uint32_t minimum_length = 24; // through blk_size
// struct virtio_blk_config.topology, with feature::topology.
inline constexpr uint32_t physical_block_exp = 24; // u8: log2(logical blocks per physical block)
inline constexpr uint32_t alignment_offset = 25; // u8: offset of the first aligned logical block
inline constexpr uint32_t topology_end = 32; // through opt_io_size (le32 at 28)
} // namespace config

// 5.2.6 Request types.
enum class RequestType : uint32_t {
    In = 0,
    Out = 1,
    Flush = 4,
    GetId = 8,
};

// 5.2.6 struct virtio_blk_req, the part before the data: device-readable.
struct RequestHeader {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector;
};
static_assert(sizeof(RequestHeader) == 16);

// 5.2.6 The status byte, the last byte of every request: device-writable.
inline constexpr uint8_t status_ok = 0;
inline constexpr uint8_t status_ioerr = 1;
inline constexpr uint8_t status_unsupp = 2;

// 5.2.6 VIRTIO_BLK_ID_BYTES: GET_ID's answer, a serial number padded with NULs
// (NUL-terminated only when shorter).
inline constexpr uint32_t id_bytes = 20;

} // namespace rota::blk
