#pragma once

#include <cstdint>
#include <optional>

#include "core/mem/page_attributes.h"

// The page attribute table rota programs into IA32_PAT on every CPU (Intel SDM
// vol. 3A, 11.12). A page-table entry picks one of its eight entries with three
// bits, PAT:PCD:PWT. Entries 0-3 keep their power-on values (WB, WT, UC-, UC),
// so an entry that sets only PCD and PWT means on rota's tables what it means on
// anyone else's; entry 4 becomes write-combining, for the framebuffer, and entry
// 5 write-protected. 6 and 7 keep their power-on UC- and UC. The SDM (11.12.4)
// asks for the same table on every processor: the boot CPU programs it before it
// switches to rota's page tables, each AP before it runs any code that could
// touch a write-combining page.

namespace rota::pat {

inline constexpr uint32_t msr = 0x277; // IA32_PAT

// The memory type encodings of the PAT's entries (Intel SDM vol. 3A, table 11-10).
inline constexpr uint8_t encoding_uc = 0x00;
inline constexpr uint8_t encoding_wc = 0x01;
inline constexpr uint8_t encoding_wt = 0x04;
inline constexpr uint8_t encoding_wp = 0x05;
inline constexpr uint8_t encoding_wb = 0x06;
inline constexpr uint8_t encoding_uc_minus = 0x07;

// The power-on value (Intel SDM vol. 3A, table 11-12).
inline constexpr uint64_t power_on_value = 0x0007040600070406;

// The table, entry i in byte i.
inline constexpr uint8_t entries[8] = {encoding_wb, encoding_wt, encoding_uc_minus, encoding_uc,
    encoding_wc, encoding_wp, encoding_uc_minus, encoding_uc};

constexpr uint64_t msr_value()
{
    uint64_t value = 0;
    for (int i = 0; i < 8; ++i)
        value |= uint64_t(entries[i]) << (8 * i);
    return value;
}

constexpr uint8_t encoding_of(MemoryType type)
{
    switch (type) {
    case MemoryType::WriteBack:
        return encoding_wb;
    case MemoryType::WriteThrough:
        return encoding_wt;
    case MemoryType::WriteCombining:
        return encoding_wc;
    case MemoryType::WriteProtected:
        return encoding_wp;
    case MemoryType::UncachedMinus:
        return encoding_uc_minus;
    case MemoryType::Uncached:
        return encoding_uc;
    }
    return encoding_uc;
}

// The entry (0-7) that selects `type`: the first one that holds it.
constexpr uint8_t index_of(MemoryType type)
{
    for (uint8_t i = 0; i < 8; ++i) {
        if (entries[i] == encoding_of(type))
            return i;
    }
    return 3; // unreachable: every type has an entry; UC is the safe answer
}

// The type entry `index` selects; nothing for an index past 7.
constexpr std::optional<MemoryType> type_at(uint8_t index)
{
    if (index >= 8)
        return std::nullopt;
    switch (entries[index]) {
    case encoding_wb:
        return MemoryType::WriteBack;
    case encoding_wt:
        return MemoryType::WriteThrough;
    case encoding_wc:
        return MemoryType::WriteCombining;
    case encoding_wp:
        return MemoryType::WriteProtected;
    case encoding_uc_minus:
        return MemoryType::UncachedMinus;
    default:
        return MemoryType::Uncached;
    }
}

static_assert(msr_value() == 0x0007050100070406);
static_assert((msr_value() & 0xffffffff) == (power_on_value & 0xffffffff),
    "entries 0-3 keep their power-on meaning");

} // namespace rota::pat
