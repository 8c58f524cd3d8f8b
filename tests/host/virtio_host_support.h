#pragma once

// Host stand-ins for what the virtio core gets injected: DMA memory whose
// physical address is its virtual one, and clocks.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <thread>

#include <gtest/gtest.h>

#include "core/mem/dma.h"
#include "core/time/poll_clock.h"

namespace virtio_test {

class HostDmaAllocator final : public rota::DmaAllocator {
public:
    ~HostDmaAllocator() { EXPECT_EQ(m_live, 0) << "DMA buffers leaked"; }

    rota::Expected<rota::DmaBuffer> allocate(size_t bytes, size_t align) override
    {
        ++allocations;
        if (fail_after >= 0 && allocations > fail_after)
            return rota::make_error(rota::Error::OutOfMemory);
        size_t rounded = (bytes + align - 1) / align * align;
        void* memory = std::aligned_alloc(align, rounded);
        std::memset(memory, 0xa5, rounded); // the queue must zero what it needs
        ++m_live;
        return rota::DmaBuffer {rota::PhysAddr(reinterpret_cast<uintptr_t>(memory)), memory, bytes};
    }

    void free(const rota::DmaBuffer& buffer) override
    {
        EXPECT_EQ(reinterpret_cast<uintptr_t>(buffer.virt), buffer.phys.get());
        std::free(buffer.virt);
        --m_live;
    }

    int live() const { return m_live; }

    int allocations {0};
    int fail_after {-1}; // fail every allocation after this many (-1: never)

private:
    int m_live {0};
};

// Real time, for the tests with a device thread.
class SteadyPollClock final : public rota::PollClock {
public:
    uint64_t now_ns() override
    {
        return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::steady_clock::now().time_since_epoch())
                            .count());
    }
    void relax() override { std::this_thread::yield(); }
};

// Time that moves only when the code under test relaxes: a timeout of a
// second costs no real time.
class ManualPollClock final : public rota::PollClock {
public:
    uint64_t now_ns() override { return now; }
    void relax() override
    {
        now += step_ns;
        ++relaxes;
    }
    uint64_t now {1'000'000};
    uint64_t step_ns {1'000'000};
    uint64_t relaxes {0};
};

inline uintptr_t address_of(const void* pointer)
{
    return reinterpret_cast<uintptr_t>(pointer);
}

} // namespace virtio_test
