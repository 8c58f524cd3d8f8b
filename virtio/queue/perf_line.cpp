#include "virtio/queue/perf_line.h"

#include "core/lib/format.h"

namespace rota::virtio {

size_t virtio_perf_line(char* buffer, size_t capacity, const QueueCounters& counters)
{
    return format(buffer, capacity,
        "[VIRTIO PERF] fences=%lu spins=%lu completions=%lu notifies=%lu", counters.fences,
        counters.spins, counters.completions, counters.notifies);
}

} // namespace rota::virtio
