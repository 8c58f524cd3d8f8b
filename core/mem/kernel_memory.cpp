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

// The allocator covers the firmware's boot-services memory and rota's loader
// data from the start, but holds them in use until memory_finish_boot() gives
// them back; these are the ranges it will give back. Written by memory_init,
// read by memory_finish_boot, both on the boot CPU before any AP runs.
constinit UsableMemory g_free_at_boot {}; // conventional memory
constinit UsableMemory g_boot_services_memory {};
constinit UsableMemory g_loader_memory {};
constinit UsableMemory g_allocator_ranges {}; // all three kinds together

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

std::span<const FreeRange> ranges_of(const UsableMemory& usable)
{
    return {usable.ranges.data(), usable.count};
}

// What never goes to the allocator whatever its type: the loader data efi/
// allocated for the kernel, and the framebuffer (firmware may put it in RAM).
size_t kept_ranges(const BootInfo& info, PhysRange (&out)[max_kept_allocations + 1])
{
    size_t count = 0;
    for (size_t i = 0; i < info.kept_count && i < max_kept_allocations; ++i)
        out[count++] = info.kept[i];
    if (info.gop.size != 0 && !info.gop.base.is_null())
        out[count++] = PhysRange {PhysAddr(align_down(info.gop.base.get(), page_size)),
            (info.gop.size + (info.gop.base.get() % page_size) + page_size - 1) / page_size};
    return count;
}

// Reads and writes back a word at both ends of every range: each page the
// allocator may hand out must be mapped writable, and a page-table mistake
// should show here, as a fault at a known place, rather than later in whoever
// got the page. Boot CPU only, so no write can race.
void touch_ends(const UsableMemory& usable)
{
    for (const FreeRange& range : ranges_of(usable)) {
        for (uint64_t page : {uint64_t(0), range.pages - 1}) {
            auto* word = reinterpret_cast<volatile uint64_t*>(range.base.get() + page * page_size);
            *word = *word;
        }
    }
}

// `policy`'s ranges, or empty ones when the map has none of that kind.
void find_or_empty(RawMemoryMap map, UsablePolicy policy, UsableMemory& out)
{
    auto found = find_usable_memory(map, policy);
    if (found.has_value())
        out = *found;
    else
        out = UsableMemory {};
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

    PhysRange keep[max_kept_allocations + 1];
    std::span<const PhysRange> kept(keep, kept_ranges(info, keep));
    // The firmware's page tables and IDT live in boot-services memory and rota
    // still runs on those page tables: that memory is free only later.
    find_or_empty(map, UsablePolicy {.keep = kept}, g_free_at_boot);
    if (g_free_at_boot.count == 0)
        panic("the UEFI memory map has no usable memory");
    if (g_free_at_boot.dropped > 0 || g_free_at_boot.rejected > 0)
        klog("[mem] ignored %zu small and %zu malformed ranges", g_free_at_boot.dropped,
            g_free_at_boot.rejected);
    find_or_empty(map,
        UsablePolicy {.reclaim_boot_services = true, .reclaim_loader_data = true, .keep = kept},
        g_allocator_ranges);
    find_or_empty(map,
        UsablePolicy {.conventional = false, .reclaim_boot_services = true, .keep = kept},
        g_boot_services_memory);
    find_or_empty(map,
        UsablePolicy {.conventional = false, .reclaim_loader_data = true, .keep = kept},
        g_loader_memory);
    // Each set lies inside the allocator's ranges only if none of them had to
    // be left out for want of room: otherwise make do with conventional memory.
    if (g_allocator_ranges.count == 0 || g_allocator_ranges.dropped > 0) {
        klog("[mem] more free ranges than the allocator holds: the firmware's memory stays out");
        g_allocator_ranges = g_free_at_boot;
        g_boot_services_memory = UsableMemory {};
        g_loader_memory = UsableMemory {};
    }

    // One bitmap for all of it, now and later: the allocator's ranges cannot
    // grow once it exists.
    std::span<const FreeRange> ranges = ranges_of(g_allocator_ranges);
    size_t words = PageAllocator::bitmap_words_for(ranges);
    uint64_t bitmap_pages = (words * sizeof(uint64_t) + page_size - 1) / page_size;
    PhysAddr bitmap = place_bitmap(g_free_at_boot, bitmap_pages);
    if (bitmap.is_null())
        panic("no free range can hold the page bitmap (%lu pages)", bitmap_pages);
    auto allocator = PageAllocator::create(
        ranges, std::span(reinterpret_cast<uint64_t*>(bitmap.get()), words));
    if (allocator.is_error())
        panic("cannot build the page allocator (%s)", error_name(allocator.error()));
    {
        SpinlockGuard guard(g_pages_lock);
        g_pages = allocator.release_value();
        // Everything in use, then the conventional memory free: what is left
        // in use is memory_finish_boot's to give back (or, where the map had
        // two types on one page, nobody's).
        for (const FreeRange& range : ranges)
            g_pages.reserve(range.base, range.pages);
        for (const FreeRange& range : ranges_of(g_free_at_boot))
            g_pages.free(range.base, range.pages);
        g_pages.reserve(bitmap, bitmap_pages);
        g_ready = true;
    }

    g_stats = MemoryStats {g_free_at_boot.total_pages, g_pages.free_pages(), descriptors.value(),
        g_free_at_boot.count, bitmap_pages, 0};
    return g_stats;
}

MemoryStats memory_finish_boot(bool boot_services_done)
{
    uint64_t boot_services_pages = 0;
    uint64_t loader_pages = 0;
    {
        SpinlockGuard guard(g_pages_lock);
        ROTA_ASSERT(g_ready);
        touch_ends(g_free_at_boot);
        // Loader data is rota's own: nothing of the firmware's runs on it.
        touch_ends(g_loader_memory);
        for (const FreeRange& range : ranges_of(g_loader_memory)) {
            g_pages.free(range.base, range.pages);
            loader_pages += range.pages;
        }
        g_loader_memory = UsableMemory {};
        if (boot_services_done) {
            touch_ends(g_boot_services_memory);
            for (const FreeRange& range : ranges_of(g_boot_services_memory)) {
                g_pages.free(range.base, range.pages);
                boot_services_pages += range.pages;
            }
            g_boot_services_memory = UsableMemory {};
        }
        g_stats.usable_pages += boot_services_pages + loader_pages;
        g_stats.reclaimed_pages += boot_services_pages + loader_pages;
        g_stats.free_pages = g_pages.free_pages();
    }
    klog("[mem] usable_mib=%lu regions=%zu free_ranges=%zu bitmap_kib=%lu reclaimed_kib=%lu "
         "boot_services_kib=%lu loader_kib=%lu%s",
        g_stats.usable_pages * page_size >> 20, g_stats.descriptors, g_stats.free_ranges,
        g_stats.bitmap_pages * page_size >> 10,
        (boot_services_pages + loader_pages) * page_size >> 10,
        boot_services_pages * page_size >> 10, loader_pages * page_size >> 10,
        boot_services_done ? "" : " boot_services=kept(firmware page tables in use)");
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
