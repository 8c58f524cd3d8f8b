#pragma once

#include <atomic>
#include <cstdint>

// Accesses to the ring fields both sides touch concurrently: avail.idx,
// used.idx, the flags and the event indices. They are single, untorn accesses
// (Linux's READ_ONCE/WRITE_ONCE), and their C++ ordering states the
// synchronisation the spec's barriers provide: publishing an index is a release
// (the entries before it are visible), observing one an acquire. On x86 these
// compile to plain movs; the barriers in barriers.h remain where the spec puts
// them. ThreadSanitizer, which does not model standalone fences, sees the real
// happens-before edges through these.

namespace rota::virtio {

inline uint16_t load_acquire(uint16_t* field)
{
    return std::atomic_ref<uint16_t>(*field).load(std::memory_order_acquire);
}

inline void store_release(uint16_t* field, uint16_t value)
{
    std::atomic_ref<uint16_t>(*field).store(value, std::memory_order_release);
}

inline uint16_t load_relaxed(uint16_t* field)
{
    return std::atomic_ref<uint16_t>(*field).load(std::memory_order_relaxed);
}

inline void store_relaxed(uint16_t* field, uint16_t value)
{
    std::atomic_ref<uint16_t>(*field).store(value, std::memory_order_relaxed);
}

} // namespace rota::virtio
