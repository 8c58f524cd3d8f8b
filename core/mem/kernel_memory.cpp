#include "core/mem/kernel_memory.h"

#include <new>

#include "core/log/log.h"
#include "core/mem/heap.h"
#include "core/mem/memory_dump.h"
#include "core/mem/memory_map.h"
#include "core/mem/page_allocator.h"
#include "core/panic.h"
#include "core/sync/spinlock.h"

namespace rota {

namespace {

constexpr size_t heap_grow_pages = 256; // 1 MiB at a time

// Both start empty (every allocation fails) until memory_init() fills them in.
constinit PageAllocator g_pages; // Protected by g_pages_lock.
constinit Heap g_heap; // Protected by g_heap_lock.
constinit bool g_ready = false;
constinit Spinlock g_pages_lock;
constinit Spinlock g_heap_lock;
constinit MemoryStats g_stats {};

// The bitmap has to live somewhere before there is an allocator: in the first
// free range big enough, which is then marked used.
PhysAddr place_bitmap(const UsableMemory& usable, uint64_t pages)
{
    for (size_t i = 0; i < usable.count; ++i) {
        if (usable.ranges[i].pages >= pages)
            return usable.ranges[i].base;
    }
    return PhysAddr();
}

} // namespace

MemoryStats memory_init(const BootInfo& info)
{
    RawMemoryMap map {info.memory_map, info.memory_map_size, info.memory_descriptor_size};
    auto descriptors = count_descriptors(map);
    if (descriptors.is_error())
        panic("the UEFI memory map is malformed (%s)", error_name(descriptors.error()));
    if (info.config.debug & DebugDumpMemoryMap)
        dump_memory_map(info);
    // The firmware's page tables and IDT live in boot-services memory and rota
    // still runs on those page tables: that memory stays untouched.
    auto usable = find_usable_memory(map, UsablePolicy {.reclaim_boot_services = false});
    if (usable.is_error())
        panic("the UEFI memory map has no usable memory (%s)", error_name(usable.error()));
    if (usable->dropped > 0 || usable->rejected > 0)
        klog("[mem] ignored %zu small and %zu malformed ranges", usable->dropped, usable->rejected);

    std::span<const FreeRange> ranges(usable->ranges.data(), usable->count);
    size_t words = PageAllocator::bitmap_words_for(ranges);
    uint64_t bitmap_pages = (words * sizeof(uint64_t) + page_size - 1) / page_size;
    PhysAddr bitmap = place_bitmap(*usable, bitmap_pages);
    if (bitmap.is_null())
        panic("no free range can hold the page bitmap (%lu pages)", bitmap_pages);
    auto allocator = PageAllocator::create(
        ranges, std::span(reinterpret_cast<uint64_t*>(bitmap.get()), words));
    if (allocator.is_error())
        panic("cannot build the page allocator (%s)", error_name(allocator.error()));
    {
        SpinlockGuard guard(g_pages_lock);
        g_pages = allocator.release_value();
        g_pages.reserve(bitmap, bitmap_pages);
        g_ready = true;
    }

    g_stats = MemoryStats {
        usable->total_pages, g_pages.free_pages(), descriptors.value(), usable->count};
    klog("[mem] usable_mib=%lu regions=%zu free_ranges=%zu bitmap_kib=%lu",
        usable->total_pages * page_size >> 20, descriptors.value(), usable->count,
        bitmap_pages * page_size >> 10);
    return g_stats;
}

Expected<PhysAddr> allocate_pages(size_t pages, size_t align_pages, PhysAddr limit)
{
    SpinlockGuard guard(g_pages_lock);
    ROTA_ASSERT(g_ready);
    return g_pages.allocate(pages, align_pages, limit);
}

void free_pages(PhysAddr base, size_t pages)
{
    SpinlockGuard guard(g_pages_lock);
    ROTA_ASSERT(g_ready);
    g_pages.free(base, pages);
}

MemoryStats memory_stats()
{
    SpinlockGuard guard(g_pages_lock);
    MemoryStats stats = g_stats;
    stats.free_pages = g_pages.free_pages();
    return stats;
}

namespace {

void* heap_allocate(size_t bytes, size_t alignment)
{
    // The heap's headers cannot align beyond a page; nothing in rota needs more.
    if (alignment > Heap::max_alignment)
        return nullptr;
    SpinlockGuard guard(g_heap_lock);
    if (void* p = g_heap.allocate(bytes, alignment))
        return p;
    // Grow by at least a megabyte, and by enough for this request with its
    // header and alignment slack.
    size_t want = (bytes + alignment + 256 + page_size - 1) / page_size;
    size_t pages = want > heap_grow_pages ? want : heap_grow_pages;
    auto arena = allocate_pages(pages);
    if (arena.is_error())
        return nullptr;
    g_heap.add_arena(reinterpret_cast<void*>(arena->get()), pages * page_size);
    return g_heap.allocate(bytes, alignment);
}

void heap_free(void* pointer)
{
    if (pointer == nullptr)
        return;
    SpinlockGuard guard(g_heap_lock);
    g_heap.free(pointer);
}

void* checked_allocate(size_t bytes, size_t alignment)
{
    void* p = heap_allocate(bytes, alignment);
    // operator new may not return null and rota has no exceptions: running out
    // of kernel heap is fatal. Drivers that can fail use their own pools.
    if (p == nullptr)
        panic("kernel heap exhausted allocating %zu bytes", bytes);
    return p;
}

} // namespace

} // namespace rota

void* operator new(size_t bytes)
{
    return rota::checked_allocate(bytes, 16);
}
void* operator new[](size_t bytes)
{
    return rota::checked_allocate(bytes, 16);
}
void* operator new(size_t bytes, std::align_val_t alignment)
{
    return rota::checked_allocate(bytes, static_cast<size_t>(alignment));
}
void* operator new[](size_t bytes, std::align_val_t alignment)
{
    return rota::checked_allocate(bytes, static_cast<size_t>(alignment));
}
void* operator new(size_t bytes, const std::nothrow_t&) noexcept
{
    return rota::heap_allocate(bytes, 16);
}
void operator delete(void* p) noexcept
{
    rota::heap_free(p);
}
void operator delete[](void* p) noexcept
{
    rota::heap_free(p);
}
void operator delete(void* p, size_t) noexcept
{
    rota::heap_free(p);
}
void operator delete[](void* p, size_t) noexcept
{
    rota::heap_free(p);
}
void operator delete(void* p, std::align_val_t) noexcept
{
    rota::heap_free(p);
}
void operator delete(void* p, size_t, std::align_val_t) noexcept
{
    rota::heap_free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept
{
    rota::heap_free(p);
}
