#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "core/lib/addr.h"
#include "core/lib/expected.h"

// Memory the device reaches by DMA (rings, request slots, bounce buffers) and
// the queues' private memory, from an injected allocator (docs/ARCHITECTURE.md):
// the kernel hands out identity-mapped pages, host tests ordinary heap memory
// whose "physical" address is its virtual one. rota programs no IOMMU, so a
// physical address is what the device is given (virtio 1.2, 6:
// VIRTIO_F_ACCESS_PLATFORM is never negotiated).
//
// Every allocation comes back as a DmaRegion, which owns it: moving the region
// moves the ownership and destroying it frees the memory through the allocator
// it came from (rcore-os/virtio-drivers' `Dma` with its `Drop` is the model).
// So an error path frees by returning, and a type made of regions moves with
// its defaulted move constructor. The one exception is memory a device that
// could not be reset may still write: its owner calls keep_forever(), and the
// memory is never reused.

namespace rota {

// One allocation as the allocator sees it: where it is in both spaces.
struct DmaBuffer {
    PhysAddr phys;
    void* virt {nullptr};
    size_t bytes {0};
};

class DmaRegion;

class DmaAllocator {
public:
    // `bytes` (> 0) zeroed bytes aligned to `align` (a power of two) in both spaces.
    Expected<DmaRegion> allocate(size_t bytes, size_t align);

protected:
    // Virtual only because DmaRegion, a friend, could otherwise destroy one
    // through the base; nothing does.
    virtual ~DmaAllocator() = default;

private:
    friend class DmaRegion; // the one caller of free_buffer()
    virtual Expected<DmaBuffer> allocate_buffer(size_t bytes, size_t align) = 0;
    virtual void free_buffer(const DmaBuffer& buffer) = 0;
};

class DmaRegion {
public:
    DmaRegion() = default;
    DmaRegion(DmaRegion&& other)
        : m_allocator(std::exchange(other.m_allocator, nullptr))
        , m_buffer(std::exchange(other.m_buffer, DmaBuffer {}))
    {
    }
    DmaRegion& operator=(DmaRegion&& other)
    {
        if (this != &other) {
            release();
            m_allocator = std::exchange(other.m_allocator, nullptr);
            m_buffer = std::exchange(other.m_buffer, DmaBuffer {});
        }
        return *this;
    }
    DmaRegion(const DmaRegion&) = delete;
    DmaRegion& operator=(const DmaRegion&) = delete;
    ~DmaRegion() { release(); }

    // False for a default-constructed or moved-from region.
    bool owns_memory() const { return m_allocator != nullptr; }
    size_t size() const { return m_buffer.bytes; }
    PhysAddr phys(size_t offset = 0) const { return m_buffer.phys.offset(offset); }
    uint8_t* bytes(size_t offset = 0) const
    {
        return static_cast<uint8_t*>(m_buffer.virt) + offset;
    }
    template<class T>
    T* as(size_t offset = 0) const
    {
        return reinterpret_cast<T*>(bytes(offset));
    }

    // Gives the memory up without freeing it: for memory a device that did
    // not complete its reset may still write (virtio 1.2, 2.1.1 and 4.1.4.3.2:
    // only a completed reset stops it). Returns the bytes kept.
    size_t keep_forever()
    {
        size_t kept = owns_memory() ? m_buffer.bytes : 0;
        m_allocator = nullptr;
        m_buffer = {};
        return kept;
    }

private:
    friend class DmaAllocator;
    DmaRegion(DmaAllocator& allocator, const DmaBuffer& buffer)
        : m_allocator(&allocator)
        , m_buffer(buffer)
    {
    }
    void release()
    {
        if (m_allocator != nullptr)
            m_allocator->free_buffer(m_buffer);
        m_allocator = nullptr;
        m_buffer = {};
    }

    DmaAllocator* m_allocator {nullptr}; // null: nothing to free
    DmaBuffer m_buffer {};
};

inline Expected<DmaRegion> DmaAllocator::allocate(size_t bytes, size_t align)
{
    DmaBuffer buffer = TRY(allocate_buffer(bytes, align));
    return DmaRegion(*this, buffer);
}

} // namespace rota
