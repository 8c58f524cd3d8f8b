#pragma once

// Host stand-ins for what the virtio core gets injected: DMA memory whose
// physical address is its virtual one, and clocks.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "core/mem/dma.h"
#include "core/time/poll_clock.h"

namespace virtio_test {

class HostDmaAllocator final : public rota::DmaAllocator {
public:
    ~HostDmaAllocator()
    {
        EXPECT_EQ(live(), 0) << "DMA buffers leaked";
        reclaim_kept();
    }

    int live() const
    {
        std::lock_guard lock(m_mutex);
        return int(m_live.size());
    }
    size_t live_bytes() const
    {
        std::lock_guard lock(m_mutex);
        size_t bytes = 0;
        for (const auto& [memory, size] : m_live)
            bytes += size;
        return bytes;
    }
    // Whether [address, address + bytes) lies in one live allocation.
    bool is_live(uintptr_t address, size_t bytes) const
    {
        std::lock_guard lock(m_mutex);
        for (const auto& [memory, size] : m_live) {
            uintptr_t start = reinterpret_cast<uintptr_t>(memory);
            if (address >= start && address + bytes <= start + size)
                return true;
        }
        return false;
    }
    // Frees what the code under test deliberately kept (DmaRegion::keep_forever),
    // once the test has stopped anything that could still touch it.
    void reclaim_kept()
    {
        std::lock_guard lock(m_mutex);
        for (const auto& [memory, size] : m_live)
            std::free(memory);
        m_live.clear();
    }

    int allocations {0};
    int fail_after {-1}; // fail every allocation after this many (-1: never)
    int fail_at {-1}; // fail only this allocation, counting from 1 (-1: none)
    // Called before each free: a test checks there that the device was reset.
    std::function<void(const rota::DmaBuffer&)> on_free;

private:
    rota::Expected<rota::DmaBuffer> allocate_buffer(size_t bytes, size_t align) override
    {
        ++allocations;
        if ((fail_after >= 0 && allocations > fail_after) || allocations == fail_at)
            return rota::make_error(rota::Error::OutOfMemory);
        size_t rounded = (bytes + align - 1) / align * align;
        void* memory = std::aligned_alloc(align, rounded);
        std::memset(memory, 0xa5, rounded); // the queue must zero what it needs
        std::lock_guard lock(m_mutex);
        m_live[memory] = bytes;
        return rota::DmaBuffer {rota::PhysAddr(reinterpret_cast<uintptr_t>(memory)), memory, bytes};
    }

    void free_buffer(const rota::DmaBuffer& buffer) override
    {
        EXPECT_EQ(reinterpret_cast<uintptr_t>(buffer.virt), buffer.phys.get());
        if (on_free)
            on_free(buffer);
        std::lock_guard lock(m_mutex);
        auto it = m_live.find(buffer.virt);
        EXPECT_NE(it, m_live.end()) << "freeing DMA memory that is not live";
        if (it == m_live.end())
            return;
        EXPECT_EQ(it->second, buffer.bytes) << "freed with another size";
        m_live.erase(it);
        std::free(buffer.virt);
    }

    mutable std::mutex m_mutex;
    std::map<void*, size_t> m_live; // Protected by m_mutex.
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
