#include "core/mem/page_table.h"

#include "core/mem/page_table_entry.h"

namespace rota {

namespace {

constexpr uint64_t physical_limit = 1ull << 52; // MAXPHYADDR's ceiling (Intel SDM vol. 3A, 4.1.4)

bool valid_range(uint64_t virt, uint64_t phys, uint64_t bytes)
{
    if (bytes == 0 || virt % page_size != 0 || phys % page_size != 0 || bytes % page_size != 0)
        return false;
    return virt < PageTable::address_limit && bytes <= PageTable::address_limit - virt
        && phys < physical_limit && bytes <= physical_limit - phys;
}

} // namespace

Expected<PageTable> PageTable::create(PageTableMemory& memory, PagingFeatures features)
{
    PhysAddr root = TRY(memory.allocate_table());
    return PageTable(memory, root, features);
}

Expected<void> PageTable::map(
    VirtAddr virt, PhysAddr phys, uint64_t bytes, PageAttributes attributes, Overlap overlap)
{
    if (!valid_range(virt.get(), phys.get(), bytes))
        return make_error(Error::InvalidArgument);
    Change change {virt.get(), phys.get(), attributes, overlap};
    return apply(m_root, pte::levels, virt.get(), virt.get() + bytes, change);
}

Expected<void> PageTable::unmap(VirtAddr virt, uint64_t bytes)
{
    if (!valid_range(virt.get(), 0, bytes))
        return make_error(Error::InvalidArgument);
    Change change {virt.get(), 0, std::nullopt, Overlap::Replace};
    return apply(m_root, pte::levels, virt.get(), virt.get() + bytes, change);
}

bool PageTable::can_map_leaf(int level, uint64_t phys) const
{
    if (level == 3 && !m_features.gigabyte_pages)
        return false;
    return level <= 3 && phys % pte::entry_bytes(level) == 0;
}

// Walks the entries of `table` that [start, end) touches. An entry the range
// covers whole becomes a leaf (or empty) when the level allows it; any other is
// descended into, after a missing table is allocated or a leaf is split.
Expected<void> PageTable::apply(
    PhysAddr table, int level, uint64_t start, uint64_t end, const Change& change)
{
    uint64_t* entries = m_memory->entries(table);
    uint64_t size = pte::entry_bytes(level);
    for (uint64_t virt = start; virt < end;) {
        uint64_t entry_start = align_down(virt, size);
        uint64_t piece_end = end < entry_start + size ? end : entry_start + size;
        uint64_t& entry = entries[pte::index_at(virt, level)];
        bool present = (entry & pte::present) != 0;
        bool leaf = present && pte::is_leaf(entry, level);
        bool whole = virt == entry_start && piece_end == entry_start + size;

        if (change.overlap == Overlap::KeepExisting && leaf) {
            virt = piece_end;
            continue;
        }
        bool fill_holes_below = change.overlap == Overlap::KeepExisting && present;
        if (whole && !fill_holes_below
            && (!change.attributes || can_map_leaf(level, change.phys_for(virt)))) {
            if (present && !leaf)
                release(PhysAddr(pte::address_of(entry, level, false)), level - 1);
            entry = change.attributes
                ? pte::make_leaf(change.phys_for(virt), *change.attributes, level)
                : 0;
            virt = piece_end;
            continue;
        }
        if (!present && !change.attributes) {
            virt = piece_end; // nothing here to unmap
            continue;
        }
        PhysAddr child;
        if (!present)
            child = TRY(m_memory->allocate_table());
        else if (leaf)
            child = TRY(split(entry, level));
        else
            child = PhysAddr(pte::address_of(entry, level, false));
        entry = pte::make_table(child.get());
        TRY(apply(child, level - 1, virt, piece_end, change));
        virt = piece_end;
    }
    return {};
}

Expected<PhysAddr> PageTable::split(uint64_t entry, int level)
{
    PhysAddr child = TRY(m_memory->allocate_table());
    uint64_t* entries = m_memory->entries(child);
    uint64_t base = pte::address_of(entry, level, true);
    PageAttributes attributes = pte::attributes_of(entry, level);
    uint64_t step = pte::entry_bytes(level - 1);
    for (uint64_t i = 0; i < pte::entries_per_table; ++i)
        entries[i] = pte::make_leaf(base + i * step, attributes, level - 1);
    return child;
}

void PageTable::release(PhysAddr table, int level)
{
    uint64_t* entries = m_memory->entries(table);
    for (uint64_t i = 0; i < pte::entries_per_table && level > 1; ++i) {
        uint64_t entry = entries[i];
        if ((entry & pte::present) && !pte::is_leaf(entry, level))
            release(PhysAddr(pte::address_of(entry, level, false)), level - 1);
    }
    m_memory->free_table(table);
}

std::optional<Translation> PageTable::translate(VirtAddr virt) const
{
    if (virt.get() >= address_limit)
        return std::nullopt;
    PhysAddr table = m_root;
    for (int level = pte::levels; level >= 1; --level) {
        uint64_t entry = m_memory->entries(table)[pte::index_at(virt.get(), level)];
        if ((entry & pte::present) == 0)
            return std::nullopt;
        if (pte::is_leaf(entry, level)) {
            uint64_t size = pte::entry_bytes(level);
            uint64_t base = pte::address_of(entry, level, true);
            return Translation {
                PhysAddr(base + (virt.get() & (size - 1))), pte::attributes_of(entry, level), size};
        }
        table = PhysAddr(pte::address_of(entry, level, false));
    }
    return std::nullopt;
}

PageTableStats PageTable::stats() const
{
    PageTableStats stats;
    count(m_root, pte::levels, stats);
    return stats;
}

void PageTable::count(PhysAddr table, int level, PageTableStats& stats) const
{
    ++stats.tables;
    const uint64_t* entries = m_memory->entries(table);
    for (uint64_t i = 0; i < pte::entries_per_table; ++i) {
        uint64_t entry = entries[i];
        if ((entry & pte::present) == 0)
            continue;
        if (!pte::is_leaf(entry, level)) {
            count(PhysAddr(pte::address_of(entry, level, false)), level - 1, stats);
            continue;
        }
        if (level == 1)
            ++stats.pages_4k;
        else if (level == 2)
            ++stats.pages_2m;
        else
            ++stats.pages_1g;
    }
}

} // namespace rota
