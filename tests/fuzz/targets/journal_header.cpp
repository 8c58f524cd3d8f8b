#include <vector>

#include "fuzz_target.h"
#include "journal/journal.h"
#include "journal/journal_format.h"
#include "support/fuzz_input.h"
#include "support/journal_seal.h"

// Sector 0 of any disk handed to rota (docs/journal.md "Header"), against any
// capacity. A header decode_header accepts is one the journal can hold: its
// slots fit the region, the disk and the journal's slot table.
//
// Input: flags (bit 0: seal the CRC, bit 1: make region_sectors agree with the
// other fields, support/journal_seal.h), capacity (8 bytes), then the sector.
ROTA_FUZZ_TARGET(journal_header)
{
    using namespace rota;
    fuzz::FuzzInput input(data);
    uint8_t flags = input.take<uint8_t>();
    uint64_t capacity = input.take<uint64_t>();
    std::vector<uint8_t> sector(journal_sector_bytes, 0);
    fuzz::copy_bytes(sector.data(), input.take_bytes(sector.size()));
    if (flags & 2)
        fuzz::derive_region(sector);
    if (flags & 1)
        fuzz::seal_header(sector);

    DecodedHeader header = decode_header(sector, capacity);
    if (header.check != HeaderCheck::Valid)
        return;
    const JournalGeometry& g = header.geometry;
    FUZZ_CHECK(g.record_bytes >= journal_sector_bytes && g.record_bytes <= max_record_bytes);
    FUZZ_CHECK((g.record_bytes & (g.record_bytes - 1)) == 0);
    FUZZ_CHECK(g.area_start >= 1 && g.record_count >= 1);
    FUZZ_CHECK(g.record_count <= Journal::max_slots);
    uint64_t end = g.slot_sector(g.record_count - 1) + g.record_sectors();
    FUZZ_CHECK(end <= g.region_sectors && g.region_sectors <= journal_region_sectors);
    FUZZ_CHECK(g.region_sectors <= capacity);

    // What decode_header accepted, encode_header writes back the same.
    std::vector<uint8_t> again(journal_sector_bytes, 0xa5);
    encode_header(g, again);
    DecodedHeader reread = decode_header(again, capacity);
    FUZZ_CHECK(reread.check == HeaderCheck::Valid);
    FUZZ_CHECK(reread.geometry.record_bytes == g.record_bytes
        && reread.geometry.area_start == g.area_start
        && reread.geometry.record_count == g.record_count
        && reread.geometry.region_sectors == g.region_sectors);
}
