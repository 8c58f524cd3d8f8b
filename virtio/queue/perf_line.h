#pragma once

#include <cstddef>

#include "virtio/queue/queue_counters.h"

// The per-frame instrumentation line (docs/serial.md):
//   [VIRTIO PERF] fences=3 spins=0 completions=2 notifies=1
// from counters taken with Virtqueue::take_counters() (summed over queues).

namespace rota::virtio {

// Formats the line (no newline) into `buffer`; returns its length.
size_t virtio_perf_line(char* buffer, size_t capacity, const QueueCounters& counters);

} // namespace rota::virtio
