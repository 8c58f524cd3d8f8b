#pragma once

#include "virtio/blk/blk_device.h"

// The kernel's virtio-blk disk (docs/boot.md, docs/journal.md): the first virtio-blk
// function on PCI (modern 1af4:1042 or transitional 1af4:1001) that opens as a
// modern device, initialises, and answers a first request (GET_ID, or a
// one-sector read where GET_ID is unsupported). It prints
//   [blk] 00:04.0 capacity_sectors=131072 ro=no flush=yes blk_size=512 ...
// Legacy-only functions are refused by VirtioPciDevice::open with their own
// line, and the next one is tried. Boot CPU only; after pci_init.

namespace rota::blk {

// The disk, or nullptr with `why` saying so ("no virtio-blk disk", or "no
// usable virtio-blk disk" when every function found was refused or failed).
BlkDevice* blk_probe(const char*& why);

// The sink every [blk]/[virtio-blk] line of the driver goes to: serial.
DiagnosticSink& blk_log_sink();

} // namespace rota::blk
