#pragma once

#include <cstdint>
#include <optional>

#include "core/mem/page_attributes.h"
#include "core/mem/pat.h"

// x86-64 4-level paging entries (Intel SDM vol. 3A, 4.5, tables 4-15 to 4-20).
// Levels count up from the leaf: 1 is a page table (4 KiB pages), 2 a page
// directory (2 MiB pages), 3 a page-directory-pointer table (1 GiB pages), 4
// the PML4. Every level indexes 9 bits of the address.

namespace rota::pte {

inline constexpr uint64_t present = 1ull << 0;
inline constexpr uint64_t writable = 1ull << 1;
inline constexpr uint64_t user = 1ull << 2;
inline constexpr uint64_t write_through = 1ull << 3; // PWT
inline constexpr uint64_t cache_disable = 1ull << 4; // PCD
inline constexpr uint64_t accessed = 1ull << 5;
inline constexpr uint64_t dirty = 1ull << 6;
inline constexpr uint64_t large = 1ull << 7; // PS: a leaf at level 2 or 3
inline constexpr uint64_t pat_small = 1ull << 7; // PAT, in a level-1 entry
inline constexpr uint64_t global = 1ull << 8;
inline constexpr uint64_t pat_large = 1ull << 12; // PAT, in a 2 MiB or 1 GiB leaf
inline constexpr uint64_t no_execute = 1ull << 63; // XD: needs EFER.NXE
inline constexpr uint64_t address_mask = 0x000ffffffffff000; // bits 51:12

inline constexpr int levels = 4;
inline constexpr uint64_t entries_per_table = 512;

// The bytes one entry at `level` maps: 4 KiB, 2 MiB, 1 GiB, 512 GiB.
constexpr uint64_t entry_bytes(int level)
{
    return 1ull << (12 + 9 * (level - 1));
}

constexpr uint64_t index_at(uint64_t virt, int level)
{
    return (virt >> (12 + 9 * (level - 1))) & (entries_per_table - 1);
}

// A leaf is a level-1 entry or a present entry with PS set.
constexpr bool is_leaf(uint64_t entry, int level)
{
    return level == 1 || (entry & large) != 0;
}

// The physical address a leaf at `level` maps (bits below the page size clear)
// or a non-leaf entry points to.
constexpr uint64_t address_of(uint64_t entry, int level, bool leaf)
{
    uint64_t mask = address_mask;
    if (leaf && level > 1)
        mask &= ~(entry_bytes(level) - 1);
    return entry & mask;
}

// A leaf mapping `phys` with `attributes`. `phys` must be aligned to the
// level's page size. Never user-accessible, never global.
constexpr uint64_t make_leaf(uint64_t phys, PageAttributes attributes, int level)
{
    uint64_t entry = phys | present;
    if (level > 1)
        entry |= large;
    if (is_writable(attributes.access))
        entry |= writable;
    if (!is_executable(attributes.access))
        entry |= no_execute;
    uint8_t index = pat::index_of(attributes.type);
    if (index & 1)
        entry |= write_through;
    if (index & 2)
        entry |= cache_disable;
    if (index & 4)
        entry |= level == 1 ? pat_small : pat_large;
    return entry;
}

// A present non-leaf entry pointing at the table at `table`. It allows
// everything; the leaf decides (Intel SDM vol. 3A, 4.6: access rights combine
// across levels, so the most permissive intermediate entry is the neutral one).
constexpr uint64_t make_table(uint64_t table)
{
    return table | present | writable;
}

// What a present leaf allows, decoded back.
constexpr PageAttributes attributes_of(uint64_t entry, int level)
{
    uint8_t index = ((entry & write_through) ? 1 : 0) | ((entry & cache_disable) ? 2 : 0);
    uint64_t pat_bit = level == 1 ? pat_small : pat_large;
    if (entry & pat_bit)
        index |= 4;
    return PageAttributes {access_of((entry & writable) != 0, (entry & no_execute) == 0),
        pat::type_at(index).value_or(MemoryType::Uncached)};
}

} // namespace rota::pte
