#include "journal/record_scan.h"

#include "core/lib/assert.h"

namespace rota {

Expected<void> scan_records(BlockDevice& disk, const JournalGeometry& geometry,
    std::span<uint8_t> scratch, RecordVisitor& visitor)
{
    uint32_t per_read = uint32_t(scratch.size() / geometry.record_bytes);
    ROTA_ASSERT(per_read > 0);
    for (uint32_t first = 0; first < geometry.record_count; first += per_read) {
        uint32_t count = geometry.record_count - first;
        if (count > per_read)
            count = per_read;
        auto bytes = scratch.first(size_t(count) * geometry.record_bytes);
        TRY(disk.read(geometry.slot_sector(first), bytes));
        for (uint32_t i = 0; i < count; ++i) {
            SpinRecord record;
            auto slot = bytes.subspan(size_t(i) * geometry.record_bytes, geometry.record_bytes);
            RecordCheck check = decode_record(slot, first + i, geometry, record);
            visitor.visit(first + i, check, record);
        }
    }
    return {};
}

} // namespace rota
