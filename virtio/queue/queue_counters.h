#pragma once

#include <cstdint>

// What a virtqueue did, for the [VIRTIO PERF] line (docs/serial.md): every
// barrier executed, every poll of the used ring that found nothing, every
// completion consumed, every doorbell write. `len_overreports` counts used
// elements whose len exceeded the chain's writable bytes (clamped, 2.7.8).
// The one type for these counts wherever they travel: a queue's, a device's
// (summed over its queues), a display's per present, and a frame's and a
// run's in the frame statistics; virtio_perf_line() is their one formatter.

namespace rota::virtio {

struct QueueCounters {
    uint64_t fences {0};
    uint64_t spins {0};
    uint64_t completions {0};
    uint64_t notifies {0};
    uint64_t len_overreports {0};

    QueueCounters& operator+=(const QueueCounters& other)
    {
        fences += other.fences;
        spins += other.spins;
        completions += other.completions;
        notifies += other.notifies;
        len_overreports += other.len_overreports;
        return *this;
    }
};

} // namespace rota::virtio
