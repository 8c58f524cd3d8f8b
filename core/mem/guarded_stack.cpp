#include "core/mem/guarded_stack.h"

#include "core/mem/kernel_memory.h"
#include "core/mem/paging.h"

namespace rota {

Expected<StackRegion> allocate_guarded_stack(size_t pages)
{
    PhysAddr base = TRY(allocate_pages(pages + 1));
    auto unmapped = paging_unmap_guard(base);
    if (unmapped.is_error()) {
        free_pages(base, pages + 1);
        return make_error(unmapped.error());
    }
    // The guard stays allocated with the stack: handed out again, it would
    // fault for whoever got it.
    return StackRegion {base.get() + page_size, base.get() + (pages + 1) * page_size};
}

} // namespace rota
