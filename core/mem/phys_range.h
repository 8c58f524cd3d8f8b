#pragma once

#include <cstdint>

#include "core/lib/addr.h"

// A run of whole physical pages, [base, base + pages * page_size).

namespace rota {

struct PhysRange {
    PhysAddr base;
    uint64_t pages {0};

    constexpr uint64_t start() const { return base.get(); }
    constexpr uint64_t end() const { return base.get() + pages * page_size; }
    constexpr bool contains(uint64_t address) const
    {
        return address >= start() && address < end();
    }
};

} // namespace rota
