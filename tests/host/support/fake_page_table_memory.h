#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>

#include "core/mem/page_table.h"

// Page-table memory for host tests: tables live on the heap and get made-up
// physical addresses far from anything a test maps, so a test can check that
// the builder never confuses a table's address with the memory it maps. It
// counts allocations and frees, can be told to run out, and fails a test that
// touches a table it never handed out (or one already freed).
class FakePageTableMemory final : public rota::PageTableMemory {
public:
    static constexpr uint64_t first_table = 0x7f0000000000;

    rota::Expected<rota::PhysAddr> allocate_table() override
    {
        if (m_limit && m_tables.size() >= *m_limit)
            return rota::make_error(rota::Error::OutOfMemory);
        uint64_t phys = m_next;
        m_next += rota::page_size;
        auto table = std::make_unique<std::array<uint64_t, 512>>();
        table->fill(0);
        m_tables.emplace(phys, std::move(table));
        ++m_allocated;
        return rota::PhysAddr(phys);
    }

    void free_table(rota::PhysAddr table) override
    {
        auto found = m_tables.find(table.get());
        if (found == m_tables.end()) {
            ++m_bad_accesses;
            return;
        }
        m_tables.erase(found);
        ++m_freed;
    }

    uint64_t* entries(rota::PhysAddr table) override
    {
        auto found = m_tables.find(table.get());
        if (found == m_tables.end()) {
            ++m_bad_accesses;
            return m_junk.data();
        }
        return found->second->data();
    }

    // At most `tables` live tables from now on.
    void limit(size_t tables) { m_limit = tables; }

    size_t live_tables() const { return m_tables.size(); }
    size_t allocated() const { return m_allocated; }
    size_t freed() const { return m_freed; }
    size_t bad_accesses() const { return m_bad_accesses; }

private:
    std::map<uint64_t, std::unique_ptr<std::array<uint64_t, 512>>> m_tables;
    std::array<uint64_t, 512> m_junk {};
    uint64_t m_next {first_table};
    std::optional<size_t> m_limit;
    size_t m_allocated {0};
    size_t m_freed {0};
    size_t m_bad_accesses {0};
};
