#pragma once

#include <cstdint>

#include "core/lib/addr.h"

// A stack [bottom, top) with a guard page just below `bottom`. Whoever allocates
// a stack allocates its guard with it, and rota's page tables leave the guard
// unmapped, so an overflow faults instead of running into whatever lies below
// (the fault is reported as a stack overflow: core/cpu/page_fault.h).

namespace rota {

struct StackRegion {
    uint64_t bottom {0};
    uint64_t top {0};

    constexpr uint64_t guard_page() const { return bottom - page_size; }
    constexpr bool valid() const { return bottom >= page_size && top > bottom; }
    constexpr bool contains(uint64_t address) const { return address >= bottom && address < top; }
    constexpr bool in_guard(uint64_t address) const
    {
        return valid() && address >= guard_page() && address < bottom;
    }
};

} // namespace rota
