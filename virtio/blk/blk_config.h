#pragma once

#include <cstdint>

#include "core/lib/expected.h"
#include "virtio/transport/pci_transport.h"

// What a virtio-blk device tells its driver (virtio 1.2, 5.2.3 and 5.2.4):
// the features rota asks for, and the configuration fields those features
// make valid, read consistently (generation counter). Pure: host tests read it
// from a fake register file.

namespace rota::blk {

struct BlkConfig {
    uint64_t capacity_sectors {0}; // 512-byte sectors
    uint32_t size_max {0}; // bytes per segment; 0: no limit offered
    uint32_t seg_max {0}; // segments per request; 0: no limit offered
    uint32_t block_bytes {512}; // blk_size when offered and sane, else 512
    bool blk_size_ignored {false}; // offered but not a power of two in 512..65536
    // The device's atomic unit: block_bytes << physical_block_exp with
    // TOPOLOGY (512e disks: 4096 over 512-byte logical blocks), else
    // block_bytes. A write torn by a power cut can damage one whole physical
    // block; the spin journal sizes its slots by it.
    uint32_t physical_block_bytes {512};
    // Where physical blocks start: the byte offset of the first logical
    // block that begins one (alignment_offset, in bytes), below physical_block_bytes.
    uint32_t alignment_offset_bytes {0};
    bool topology_ignored {false}; // offered but inconsistent (or the structure too short)
    bool read_only {false};
    bool flush {false};
};

// SIZE_MAX, SEG_MAX, RO, BLK_SIZE, FLUSH and TOPOLOGY: rota uses each when
// offered and works without any of them (5.2.5). RO is accepted so the device need not
// fail a driver that would not (5.2.6.2: a driver SHOULD accept RO).
uint64_t blk_wanted_features();

// Reads the configuration after feature negotiation. Error::DeviceError when
// the structure is too short to hold blk_size; Error::Busy when the
// generation never settles (virtio/transport/config_read.h).
Expected<BlkConfig> read_blk_config(virtio::PciTransport& transport, uint64_t features);

} // namespace rota::blk
