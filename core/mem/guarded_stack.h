#pragma once

#include <cstddef>

#include "core/lib/expected.h"
#include "core/mem/stack_region.h"

// Kernel stacks with a guard page: `pages` pages from the page allocator and
// one more below them that rota's page tables leave unmapped, so that an
// overflow faults (and is reported as one) instead of running into the memory
// below.

namespace rota {

// Only while the boot CPU is the only one running (before the application
// processors start): unmapping the guard changes page tables that another CPU
// could hold in its TLB, and rota sends no TLB shoot-downs. Error::OutOfMemory
// when the allocator (or the page tables) have no room.
Expected<StackRegion> allocate_guarded_stack(size_t pages);

} // namespace rota
