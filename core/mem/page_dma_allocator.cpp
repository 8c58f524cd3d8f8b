#include "core/mem/page_dma_allocator.h"

#include "core/mem/kernel_memory.h"

namespace rota {

namespace {
size_t pages_for(size_t bytes)
{
    return (bytes + page_size - 1) / page_size;
}
} // namespace

Expected<DmaBuffer> PageDmaAllocator::allocate_buffer(size_t bytes, size_t align)
{
    ROTA_ASSERT(bytes > 0 && align > 0 && (align & (align - 1)) == 0);
    size_t pages = pages_for(bytes);
    size_t align_pages = align <= page_size ? 1 : align / page_size;
    PhysAddr phys = TRY(allocate_pages(pages, align_pages));
    auto* virt = reinterpret_cast<uint8_t*>(phys.get());
    for (size_t i = 0; i < pages * page_size; ++i)
        virt[i] = 0;
    return DmaBuffer {phys, virt, bytes};
}

void PageDmaAllocator::free_buffer(const DmaBuffer& buffer)
{
    if (buffer.bytes != 0)
        free_pages(buffer.phys, pages_for(buffer.bytes));
}

} // namespace rota
