#include <vector>

#include "fuzz_target.h"
#include "journal/journal_format.h"
#include "support/fuzz_input.h"
#include "support/journal_seal.h"

// One record slot as the disk returns it (docs/journal.md "Record"), in any
// valid geometry. A slot that decodes as Valid is exactly what encode_record
// writes for the record it decoded to: nothing in it went unchecked.
//
// Input: flags (bit 0: seal the CRC), record_bytes as 512 << (n % 4) (1 byte),
// record_count as 2 + n % 2046 (2), slot index (2), then the slot.
ROTA_FUZZ_TARGET(journal_record)
{
    using namespace rota;
    fuzz::FuzzInput input(data);
    uint8_t flags = input.take<uint8_t>();
    JournalGeometry geometry;
    geometry.record_bytes = journal_sector_bytes << (input.take<uint8_t>() % 4);
    // decode_record's callers hold a geometry decode_header accepted: at least two slots.
    geometry.record_count = 2 + input.take<uint16_t>() % 2046;
    uint32_t slot_index = input.take<uint16_t>() % geometry.record_count;
    std::vector<uint8_t> slot(geometry.record_bytes, 0);
    fuzz::copy_bytes(slot.data(), input.take_bytes(slot.size()));
    if (flags & 1)
        fuzz::seal_record(slot);

    SpinRecord record;
    RecordCheck check = decode_record(slot, slot_index, geometry, record);
    if (check != RecordCheck::Valid)
        return;
    FUZZ_CHECK(record.sequence != 0 && geometry.slot_of(record.sequence) == slot_index);
    FUZZ_CHECK(record.result == SpinResult::Lose || record.result == SpinResult::Win);
    FUZZ_CHECK(record.wedge < wedge_count);
    std::vector<uint8_t> again(geometry.record_bytes, 0xa5);
    encode_record(record, again);
    FUZZ_CHECK(again == slot);
}
