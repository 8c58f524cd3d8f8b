#pragma once

#include "core/mem/dma.h"

// The kernel's DmaAllocator: whole pages from the physical page allocator
// (core/mem/kernel_memory.h). rota runs identity mapped, so the virtual
// address is the physical one. Ring memory is small (a 256-entry queue is
// under 7 KiB), so page granularity costs little.

namespace rota {

class PageDmaAllocator final : public DmaAllocator {
public:
    constexpr PageDmaAllocator() = default;

private:
    Expected<DmaBuffer> allocate_buffer(size_t bytes, size_t align) override;
    void free_buffer(const DmaBuffer& buffer) override;
};

} // namespace rota
