#pragma once

#include <cstdint>
#include <cstring>
#include <span>

#include "journal/crc32.h"
#include "journal/journal_format.h"

// Gets the fuzzer past the journal's CRCs (docs/journal.md): a header or
// record that carries its magic gets the CRC its first 60 bytes call for, so
// the fields behind the CRC are what is fuzzed. Inputs choose whether to seal
// (a flag bit), so damaged CRCs stay fuzzed too.

namespace rota::fuzz {

inline void seal_crc(std::span<uint8_t> structure)
{
    uint32_t crc = crc32(structure.first(60));
    std::memcpy(structure.data() + 60, &crc, 4);
}

// region_sectors is redundant (area_start + record_count x record sectors):
// like a CRC it is made to agree, so the fuzzer explores consistent
// geometries rather than spending its runs matching one field to the others.
inline void derive_region(std::span<uint8_t> sector)
{
    if (sector.size() < sizeof(HeaderWire))
        return;
    HeaderWire wire;
    std::memcpy(&wire, sector.data(), sizeof wire);
    uint64_t region = wire.area_start
        + uint64_t(wire.record_count) * (wire.record_bytes / journal_sector_bytes);
    wire.region_sectors = uint32_t(region);
    std::memcpy(sector.data(), &wire, sizeof wire);
}

inline void seal_header(std::span<uint8_t> sector)
{
    if (sector.size() >= sizeof(HeaderWire)
        && std::memcmp(sector.data(), journal_magic, sizeof journal_magic) == 0)
        seal_crc(sector);
}

inline void seal_record(std::span<uint8_t> slot)
{
    uint32_t magic = 0;
    if (slot.size() < sizeof(RecordWire))
        return;
    std::memcpy(&magic, slot.data(), 4);
    if (magic == record_magic)
        seal_crc(slot);
}

} // namespace rota::fuzz
