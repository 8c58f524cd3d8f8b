#include "core/mem/guarded_stack.h"

#include "core/mem/kernel_memory.h"

namespace rota {

Expected<StackRegion> allocate_guarded_stack(size_t pages)
{
    PhysAddr base = TRY(allocate_pages(pages + 1));
    return StackRegion {base.get() + page_size, base.get() + (pages + 1) * page_size};
}

} // namespace rota
