#pragma once

#include <cstddef>

#include "core/lib/addr.h"
#include "core/lib/expected.h"

// Memory the device reaches by DMA (the rings) and the queue's private memory,
// from an injected allocator (docs/ARCHITECTURE.md): the kernel hands out identity-mapped
// pages, host tests ordinary heap memory whose "physical" address is its
// virtual one. rota programs no IOMMU, so a physical address is what the device
// is given (virtio 1.2, 6: VIRTIO_F_ACCESS_PLATFORM is never negotiated).

namespace rota {

struct DmaBuffer {
    PhysAddr phys;
    void* virt {nullptr};
    size_t bytes {0};
};

class DmaAllocator {
public:
    // `bytes` zeroed bytes aligned to `align` (a power of two) in both spaces.
    virtual Expected<DmaBuffer> allocate(size_t bytes, size_t align) = 0;
    virtual void free(const DmaBuffer& buffer) = 0;

protected:
    ~DmaAllocator() = default;
};

} // namespace rota
