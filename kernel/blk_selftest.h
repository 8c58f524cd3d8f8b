#pragma once

#include "virtio/blk/blk_device.h"

// debug=blk-selftest: write, read back and verify the scratch area
// (journal/disk_layout.h: 8 MiB after the journal's region) with many
// requests in flight, then measure. It writes only to a disk that already
// holds rota's journal header (so the disk is rota's) and only if every
// scratch sector is zero or an earlier run's pattern (virtio/blk/
// selftest_pattern.h); otherwise it says why and touches nothing. Ends with
//   [blk] selftest disk=00:04.0 one_request rtt_us=35.5 fences=3.00 spins=84.3
//         notifies=1.00 completions=1.00
//   [blk] selftest disk=00:04.0 sectors=16384 mismatches=0 write_mbps=... seq_read_mbps_qd1=...
//         seq_read_mbps_qd16=... read4k_p50_us=... read4k_p99_us=... result=pass
// (result=fail on a mismatch or an error, result=skip when it may not run).

namespace rota::blk {

void blk_selftest(BlkDevice& disk);

} // namespace rota::blk
