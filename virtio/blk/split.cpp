#include "virtio/blk/split.h"

#include "core/lib/assert.h"
#include "virtio/blk/protocol.h"

namespace rota::blk {

uint32_t max_request_sectors(uint32_t bounce_bytes, uint32_t size_max, uint32_t block_bytes)
{
    uint32_t bytes = bounce_bytes;
    if (size_max != 0 && size_max < bytes)
        bytes = size_max;
    uint32_t granule = block_bytes < sector_bytes ? sector_bytes : block_bytes;
    return bytes / granule * (granule / sector_bytes);
}

bool range_fits(uint64_t sector, uint64_t count, uint64_t capacity)
{
    return sector <= capacity && count <= capacity - sector;
}

RequestSplitter::RequestSplitter(
    uint64_t sector, uint64_t count, uint32_t max_sectors, uint32_t granule_sectors)
    : m_start(sector)
    , m_next(sector)
    , m_end(sector + count)
    , m_max(max_sectors)
    , m_granule(granule_sectors)
{
    ROTA_ASSERT(max_sectors > 0 && granule_sectors > 0 && max_sectors % granule_sectors == 0);
    ROTA_ASSERT(m_end >= m_start);
}

Chunk RequestSplitter::next()
{
    ROTA_ASSERT(!done());
    uint64_t end = m_next + m_max;
    // Round the end down to the granule when that still leaves a request, so
    // the next one starts aligned.
    uint64_t aligned = end / m_granule * m_granule;
    if (aligned > m_next)
        end = aligned;
    if (end > m_end)
        end = m_end;
    Chunk chunk {m_next, uint32_t(end - m_next), (m_next - m_start) * sector_bytes};
    m_next = end;
    return chunk;
}

} // namespace rota::blk
