#include "core/acpi/mcfg.h"

#include "core/acpi/bytes.h"

namespace rota {

Expected<Mcfg> parse_mcfg(std::span<const uint8_t> table)
{
    if (table.size() < mcfg_entries_offset)
        return make_error(Error::Corrupt);
    Mcfg mcfg {};
    size_t payload = table.size() - mcfg_entries_offset;
    mcfg.trailing_bytes = static_cast<uint32_t>(payload % sizeof(McfgEntryWire));
    for (size_t offset = mcfg_entries_offset; offset + sizeof(McfgEntryWire) <= table.size();
         offset += sizeof(McfgEntryWire)) {
        auto wire = load<McfgEntryWire>(table, offset);
        if (wire.base_address == 0 || wire.end_bus < wire.start_bus) {
            ++mcfg.invalid_entries;
            continue;
        }
        mcfg.regions.push({wire.base_address, wire.segment, wire.start_bus, wire.end_bus});
    }
    return mcfg;
}

} // namespace rota
