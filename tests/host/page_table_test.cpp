#include "core/mem/page_table.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "core/mem/page_table_entry.h"
#include "support/fake_page_table_memory.h"

using rota::Access;
using rota::Error;
using rota::MemoryType;
using rota::Overlap;
using rota::PageAttributes;
using rota::PageTable;
using rota::PagingFeatures;
using rota::PhysAddr;
using rota::VirtAddr;

namespace {

constexpr uint64_t KiB = 1024;
constexpr uint64_t MiB = 1024 * KiB;
constexpr uint64_t GiB = 1024 * MiB;

constexpr PageAttributes rw {Access::ReadWrite, MemoryType::WriteBack};
constexpr PageAttributes rx {Access::ReadExecute, MemoryType::WriteBack};
constexpr PageAttributes ro {Access::ReadOnly, MemoryType::WriteBack};
constexpr PageAttributes uc {Access::ReadWrite, MemoryType::Uncached};
constexpr PageAttributes wc {Access::ReadWrite, MemoryType::WriteCombining};

// The bits Intel SDM vol. 3A, tables 4-18 to 4-20, puts in a leaf, written out
// here rather than taken from page_table_entry.h.
constexpr uint64_t bit_present = 1ull << 0;
constexpr uint64_t bit_rw = 1ull << 1;
constexpr uint64_t bit_us = 1ull << 2;
constexpr uint64_t bit_pwt = 1ull << 3;
constexpr uint64_t bit_pcd = 1ull << 4;
constexpr uint64_t bit_ps = 1ull << 7;
constexpr uint64_t bit_pat_4k = 1ull << 7;
constexpr uint64_t bit_pat_large = 1ull << 12;
constexpr uint64_t bit_xd = 1ull << 63;

class PageTableTest : public ::testing::Test {
protected:
    PageTable make(PagingFeatures features = {})
    {
        auto table = PageTable::create(memory, features);
        EXPECT_TRUE(table.has_value());
        return table.release_value();
    }

    // The raw entry that maps `virt` and its level (1 = 4 KiB), by walking the
    // fake memory directly.
    std::pair<uint64_t, int> leaf_entry(const PageTable& table, uint64_t virt)
    {
        uint64_t phys = table.root().get();
        for (int level = 4; level >= 1; --level) {
            uint64_t index = (virt >> (12 + 9 * (level - 1))) & 511;
            uint64_t entry = memory.entries(PhysAddr(phys))[index];
            if (!(entry & bit_present))
                return {0, level};
            if (level == 1 || (entry & bit_ps))
                return {entry, level};
            phys = entry & 0x000ffffffffff000;
        }
        return {0, 0};
    }

    FakePageTableMemory memory;
};

TEST_F(PageTableTest, MapsOnePageAndTranslatesIt)
{
    PageTable table = make();
    ASSERT_TRUE(table.map(VirtAddr(0x5000), PhysAddr(0x9000), 4 * KiB, rw).has_value());
    auto t = table.translate(VirtAddr(0x5123));
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(t->phys.get(), 0x9123u);
    EXPECT_EQ(t->attributes, rw);
    EXPECT_EQ(t->page_bytes, 4 * KiB);
    EXPECT_FALSE(table.translate(VirtAddr(0x4fff)).has_value());
    EXPECT_FALSE(table.translate(VirtAddr(0x6000)).has_value());
    // Root, PDPT, PD, PT.
    EXPECT_EQ(table.stats().tables, 4u);
    EXPECT_EQ(memory.bad_accesses(), 0u);
}

TEST_F(PageTableTest, UsesTheLargestPagesAlignmentAllows)
{
    PageTable table = make();
    // 4 KiB up to the first 2 MiB boundary, then 2 MiB pages, then 4 KiB again.
    ASSERT_TRUE(table.map(VirtAddr(0x1ff000), PhysAddr(0x1ff000), 0x602000 - 0x1ff000, rw));
    auto stats = table.stats();
    EXPECT_EQ(stats.pages_4k, 1u + 2u);
    EXPECT_EQ(stats.pages_2m, 2u);
    EXPECT_EQ(table.translate(VirtAddr(0x300000))->page_bytes, 2 * MiB);
    EXPECT_EQ(table.translate(VirtAddr(0x601000))->page_bytes, 4 * KiB);
}

TEST_F(PageTableTest, UsesGigabytePagesOnlyWhenTheCpuHasThem)
{
    PageTable without = make();
    ASSERT_TRUE(without.map(VirtAddr(4 * GiB), PhysAddr(4 * GiB), 2 * GiB, rw));
    EXPECT_EQ(without.stats().pages_1g, 0u);
    EXPECT_EQ(without.stats().pages_2m, 1024u);

    PageTable with = make({.gigabyte_pages = true});
    ASSERT_TRUE(with.map(VirtAddr(4 * GiB), PhysAddr(4 * GiB), 2 * GiB, rw));
    EXPECT_EQ(with.stats().pages_1g, 2u);
    EXPECT_EQ(with.stats().pages_2m, 0u);
    EXPECT_EQ(with.translate(VirtAddr(5 * GiB + 0x1234))->phys.get(), 5 * GiB + 0x1234);
}

TEST_F(PageTableTest, FallsBackToSmallPagesWhenPhysicalAndVirtualDisagreeOnAlignment)
{
    PageTable table = make();
    ASSERT_TRUE(table.map(VirtAddr(2 * MiB), PhysAddr(2 * MiB + 4 * KiB), 2 * MiB, rw));
    EXPECT_EQ(table.stats().pages_2m, 0u);
    EXPECT_EQ(table.stats().pages_4k, 512u);
    EXPECT_EQ(table.translate(VirtAddr(3 * MiB))->phys.get(), 3 * MiB + 4 * KiB);
}

TEST_F(PageTableTest, EncodesPermissionsInTheArchitecturalBits)
{
    PageTable table = make();
    ASSERT_TRUE(table.map(VirtAddr(0x1000), PhysAddr(0x1000), 4 * KiB, rw));
    ASSERT_TRUE(table.map(VirtAddr(0x2000), PhysAddr(0x2000), 4 * KiB, rx));
    ASSERT_TRUE(table.map(VirtAddr(0x3000), PhysAddr(0x3000), 4 * KiB, ro));

    auto [data, level] = leaf_entry(table, 0x1000);
    EXPECT_EQ(level, 1);
    EXPECT_EQ(data & (bit_present | bit_rw | bit_xd | bit_us), bit_present | bit_rw | bit_xd);
    auto code = leaf_entry(table, 0x2000).first;
    EXPECT_EQ(code & (bit_present | bit_rw | bit_xd | bit_us), bit_present);
    auto rodata = leaf_entry(table, 0x3000).first;
    EXPECT_EQ(rodata & (bit_present | bit_rw | bit_xd | bit_us), bit_present | bit_xd);
}

// rota's PAT: 0 WB, 1 WT, 2 UC-, 3 UC, 4 WC, 5 WP; the entry is PAT:PCD:PWT,
// with the PAT bit at 7 in a 4 KiB entry and at 12 in a large one.
TEST_F(PageTableTest, SelectsThePatEntryForEachMemoryTypeAtEverySize)
{
    struct Case {
        MemoryType type;
        bool pat, pcd, pwt;
    };
    const Case cases[] = {
        {MemoryType::WriteBack, false, false, false},
        {MemoryType::WriteThrough, false, false, true},
        {MemoryType::UncachedMinus, false, true, false},
        {MemoryType::Uncached, false, true, true},
        {MemoryType::WriteCombining, true, false, false},
        {MemoryType::WriteProtected, true, false, true},
    };
    PageTable table = make({.gigabyte_pages = true});
    uint64_t base = 8 * GiB;
    for (const Case& c : cases) {
        PageAttributes attributes {Access::ReadWrite, c.type};
        // One 4 KiB, one 2 MiB and one 1 GiB page of this type.
        ASSERT_TRUE(table.map(VirtAddr(base), PhysAddr(base), 4 * KiB, attributes));
        ASSERT_TRUE(
            table.map(VirtAddr(base + 2 * MiB), PhysAddr(base + 2 * MiB), 2 * MiB, attributes));
        ASSERT_TRUE(table.map(VirtAddr(base + GiB), PhysAddr(base + GiB), GiB, attributes));
        for (uint64_t virt : {base, base + 2 * MiB, base + GiB}) {
            auto [entry, level] = leaf_entry(table, virt);
            uint64_t pat_bit = level == 1 ? bit_pat_4k : bit_pat_large;
            EXPECT_EQ((entry & pat_bit) != 0, c.pat) << rota::memory_type_name(c.type) << level;
            EXPECT_EQ((entry & bit_pcd) != 0, c.pcd) << rota::memory_type_name(c.type) << level;
            EXPECT_EQ((entry & bit_pwt) != 0, c.pwt) << rota::memory_type_name(c.type) << level;
            if (level > 1) {
                EXPECT_NE(entry & bit_ps, 0u);
            }
            EXPECT_EQ(table.translate(VirtAddr(virt))->attributes, attributes);
        }
        base += 2 * GiB;
    }
}

TEST_F(PageTableTest, ReplacingPartOfALargePageSplitsItAndKeepsTheRest)
{
    PageTable table = make();
    ASSERT_TRUE(table.map(VirtAddr(4 * MiB), PhysAddr(4 * MiB), 2 * MiB, rw));
    ASSERT_EQ(table.stats().pages_2m, 1u);
    ASSERT_TRUE(table.map(VirtAddr(5 * MiB), PhysAddr(5 * MiB), 4 * KiB, rx));

    EXPECT_EQ(table.stats().pages_2m, 0u);
    EXPECT_EQ(table.stats().pages_4k, 512u);
    EXPECT_EQ(table.translate(VirtAddr(5 * MiB))->attributes, rx);
    for (uint64_t virt = 4 * MiB; virt < 6 * MiB; virt += 4 * KiB) {
        if (virt == 5 * MiB)
            continue;
        auto t = table.translate(VirtAddr(virt));
        ASSERT_TRUE(t.has_value()) << std::hex << virt;
        EXPECT_EQ(t->phys.get(), virt);
        EXPECT_EQ(t->attributes, rw);
    }
}

TEST_F(PageTableTest, UnmappingAGuardPageInsideALargePageLeavesItsNeighbours)
{
    PageTable table = make();
    ASSERT_TRUE(table.map(VirtAddr(2 * MiB), PhysAddr(2 * MiB), 4 * MiB, rw));
    ASSERT_TRUE(table.unmap(VirtAddr(3 * MiB), 4 * KiB));
    EXPECT_FALSE(table.translate(VirtAddr(3 * MiB)).has_value());
    EXPECT_FALSE(table.translate(VirtAddr(3 * MiB + 4095)).has_value());
    EXPECT_TRUE(table.translate(VirtAddr(3 * MiB - 1)).has_value());
    EXPECT_TRUE(table.translate(VirtAddr(3 * MiB + 4096)).has_value());
    // The other 2 MiB page was not touched.
    EXPECT_EQ(table.translate(VirtAddr(5 * MiB))->page_bytes, 2 * MiB);
}

TEST_F(PageTableTest, KeepExistingFillsOnlyTheHoles)
{
    PageTable table = make();
    ASSERT_TRUE(table.map(VirtAddr(0x10000), PhysAddr(0x10000), 8 * KiB, wc));
    ASSERT_TRUE(table.map(VirtAddr(0x200000), PhysAddr(0x200000), 2 * MiB, wc));
    ASSERT_TRUE(
        table.map(VirtAddr(0), PhysAddr(0), 8 * MiB, uc, Overlap::KeepExisting).has_value());
    EXPECT_EQ(table.translate(VirtAddr(0x10000))->attributes, wc);
    EXPECT_EQ(table.translate(VirtAddr(0x11000))->attributes, wc);
    EXPECT_EQ(table.translate(VirtAddr(0x12000))->attributes, uc);
    EXPECT_EQ(table.translate(VirtAddr(0x0))->attributes, uc);
    // The existing 2 MiB page is neither split nor replaced.
    EXPECT_EQ(table.translate(VirtAddr(0x300000))->attributes, wc);
    EXPECT_EQ(table.translate(VirtAddr(0x300000))->page_bytes, 2 * MiB);
    EXPECT_EQ(table.translate(VirtAddr(0x600000))->page_bytes, 2 * MiB);
    EXPECT_EQ(table.translate(VirtAddr(0x600000))->attributes, uc);
}

TEST_F(PageTableTest, ALargeMappingOverSmallPagesFreesTheirTables)
{
    PageTable table = make();
    ASSERT_TRUE(table.map(VirtAddr(2 * MiB), PhysAddr(2 * MiB), 4 * KiB, rw));
    size_t live = memory.live_tables();
    ASSERT_TRUE(table.map(VirtAddr(2 * MiB), PhysAddr(2 * MiB), 2 * MiB, rx));
    EXPECT_EQ(memory.live_tables(), live - 1);
    EXPECT_EQ(memory.freed(), 1u);
    EXPECT_EQ(table.translate(VirtAddr(2 * MiB + 8 * KiB))->attributes, rx);
    EXPECT_EQ(memory.bad_accesses(), 0u);
}

TEST_F(PageTableTest, RefusesWhatItCannotMap)
{
    PageTable table = make();
    EXPECT_EQ(
        table.map(VirtAddr(0x1001), PhysAddr(0x1000), 4 * KiB, rw).error(), Error::InvalidArgument);
    EXPECT_EQ(
        table.map(VirtAddr(0x1000), PhysAddr(0x1001), 4 * KiB, rw).error(), Error::InvalidArgument);
    EXPECT_EQ(table.map(VirtAddr(0x1000), PhysAddr(0x1000), 0, rw).error(), Error::InvalidArgument);
    EXPECT_EQ(
        table.map(VirtAddr(0x1000), PhysAddr(0x1000), 100, rw).error(), Error::InvalidArgument);
    // The upper half, and a range running into it.
    EXPECT_EQ(table.map(VirtAddr(PageTable::address_limit), PhysAddr(0x1000), 4 * KiB, rw).error(),
        Error::InvalidArgument);
    EXPECT_EQ(table.map(VirtAddr(PageTable::address_limit - 4 * KiB), PhysAddr(0x1000), 8 * KiB, rw)
                  .error(),
        Error::InvalidArgument);
    EXPECT_EQ(
        table.map(VirtAddr(0), PhysAddr(1ull << 52), 4 * KiB, rw).error(), Error::InvalidArgument);
    EXPECT_EQ(table.unmap(VirtAddr(0x800), 4 * KiB).error(), Error::InvalidArgument);
    EXPECT_EQ(table.stats().tables, 1u);
}

TEST_F(PageTableTest, RunningOutOfTablesIsAnErrorAndLeavesAValidTable)
{
    PageTable table = make();
    memory.limit(3); // the root and two more: not enough for a page table
    auto mapped = table.map(VirtAddr(0x1000), PhysAddr(0x1000), 4 * KiB, rw);
    ASSERT_TRUE(mapped.is_error());
    EXPECT_EQ(mapped.error(), Error::OutOfMemory);
    EXPECT_FALSE(table.translate(VirtAddr(0x1000)).has_value());
    memory.limit(100);
    ASSERT_TRUE(table.map(VirtAddr(0x1000), PhysAddr(0x1000), 4 * KiB, rw));
    EXPECT_TRUE(table.translate(VirtAddr(0x1000)).has_value());
    // A table that will not be used gives all its tables back.
    ASSERT_TRUE(table.map(VirtAddr(4 * GiB), PhysAddr(4 * GiB), 4 * MiB, rw));
    table.release_all();
    EXPECT_EQ(memory.live_tables(), 0u);
    EXPECT_EQ(memory.bad_accesses(), 0u);
}

// Random maps, replacements, hole-fills and unmaps over a window with 2 MiB and
// 1 GiB boundaries in it, checked after every edit against a model that
// remembers every 4 KiB page.
TEST_F(PageTableTest, RandomEditsAgreeWithAPageByPageModel)
{
    constexpr uint64_t window_base = GiB - 8 * MiB;
    constexpr uint64_t window_pages = (16 * MiB) / (4 * KiB);
    const PageAttributes choices[] = {rw, rx, ro, uc, wc};
    std::mt19937_64 random(1234);
    PageTable table = make({.gigabyte_pages = true});
    std::map<uint64_t, std::pair<uint64_t, PageAttributes>> model; // page -> phys, attributes

    auto disagreements = [&] {
        size_t wrong = 0;
        for (uint64_t i = 0; i < window_pages; ++i) {
            uint64_t page = window_base + i * 4 * KiB;
            auto t = table.translate(VirtAddr(page + 0x10));
            auto expected = model.find(page);
            if (expected == model.end())
                wrong += t.has_value() ? 1 : 0;
            else if (!t || t->phys.get() != expected->second.first + 0x10
                || t->attributes != expected->second.second)
                ++wrong;
        }
        return wrong;
    };

    for (int round = 0; round < 400; ++round) {
        uint64_t first = random() % window_pages;
        uint64_t count = 1 + random() % (random() % 4 == 0 ? window_pages - first : 1024);
        if (first + count > window_pages)
            count = window_pages - first;
        uint64_t virt = window_base + first * 4 * KiB;
        // Identity or shifted by whole 2 MiB pages, so large pages stay possible.
        uint64_t phys = virt + (random() % 3) * 2 * MiB;
        PageAttributes attributes = choices[random() % 5];
        int op = static_cast<int>(random() % 4);
        if (op == 3) {
            ASSERT_TRUE(table.unmap(VirtAddr(virt), count * 4 * KiB));
            for (uint64_t i = 0; i < count; ++i)
                model.erase(virt + i * 4 * KiB);
        } else {
            Overlap overlap = op == 2 ? Overlap::KeepExisting : Overlap::Replace;
            ASSERT_TRUE(
                table.map(VirtAddr(virt), PhysAddr(phys), count * 4 * KiB, attributes, overlap));
            for (uint64_t i = 0; i < count; ++i) {
                uint64_t page = virt + i * 4 * KiB;
                if (overlap == Overlap::KeepExisting && model.count(page))
                    continue;
                model[page] = {phys + i * 4 * KiB, attributes};
            }
        }
        ASSERT_EQ(disagreements(), 0u) << "after round " << round << " (op " << op << ")";
    }
    EXPECT_EQ(memory.bad_accesses(), 0u);
    // Every table still in use is reachable, and no reachable table was freed.
    EXPECT_EQ(memory.live_tables(), table.stats().tables);
    EXPECT_GT(memory.freed(), 0u);
}

} // namespace
