#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "core/mem/dma.h"
#include "fuzz_target.h"

// DMA memory for the virtqueue fuzzer: heap memory whose "physical" address is
// its virtual one (the host plays the device). Filled with a pattern, since the
// queue must zero what it relies on, and every buffer must come back.

namespace rota::fuzz {

class HostDma final : public DmaAllocator {
public:
    ~HostDma() override { FUZZ_CHECK(m_live == 0); }

private:
    Expected<DmaBuffer> allocate_buffer(size_t bytes, size_t align) override
    {
        size_t rounded = (bytes + align - 1) / align * align;
        void* memory = std::aligned_alloc(align, rounded == 0 ? align : rounded);
        if (memory == nullptr)
            return make_error(Error::OutOfMemory);
        std::memset(memory, 0xa5, rounded);
        ++m_live;
        return DmaBuffer {PhysAddr(reinterpret_cast<uintptr_t>(memory)), memory, bytes};
    }

    void free_buffer(const DmaBuffer& buffer) override
    {
        std::free(buffer.virt);
        --m_live;
    }

    int m_live {0};
};

} // namespace rota::fuzz
