#include "core/mem/heap.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <random>
#include <vector>

using rota::Heap;

namespace {

// An arena in ordinary host memory; `offset` shifts its start off alignment.
struct Arena {
    explicit Arena(size_t bytes, size_t offset = 0)
        : storage(bytes + offset + 64)
        , base(storage.data() + offset)
        , size(bytes)
    {
    }
    bool contains(const void* pointer, size_t bytes) const
    {
        auto* p = static_cast<const uint8_t*>(pointer);
        return p >= base && p + bytes <= base + size;
    }
    std::vector<uint8_t> storage;
    uint8_t* base;
    size_t size;
};

uintptr_t address(const void* pointer)
{
    return reinterpret_cast<uintptr_t>(pointer);
}

} // namespace

TEST(Heap, EmptyHeapReturnsNull)
{
    Heap heap;
    EXPECT_EQ(heap.allocate(1), nullptr);
    EXPECT_EQ(heap.bytes_free(), 0u);
    EXPECT_EQ(heap.bytes_in_use(), 0u);
    heap.free(nullptr);
}

TEST(Heap, AllocationsLieInTheArenaAndAreUsable)
{
    Arena arena(64 * 1024);
    Heap heap;
    heap.add_arena(arena.base, arena.size);
    size_t capacity = heap.bytes_free();
    EXPECT_GT(capacity, 64u * 1024 - 128);

    void* a = heap.allocate(100);
    void* b = heap.allocate(1);
    void* c = heap.allocate(5000);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    ASSERT_NE(c, nullptr);
    EXPECT_TRUE(arena.contains(a, 100));
    EXPECT_TRUE(arena.contains(b, 1));
    EXPECT_TRUE(arena.contains(c, 5000));
    std::memset(a, 0xaa, 100);
    std::memset(b, 0xbb, 1);
    std::memset(c, 0xcc, 5000);
    EXPECT_EQ(heap.bytes_in_use() + heap.bytes_free(), capacity);
    heap.check_free_list();

    heap.free(b);
    heap.free(a);
    heap.free(c);
    EXPECT_EQ(heap.bytes_in_use(), 0u);
    EXPECT_EQ(heap.bytes_free(), capacity);
}

TEST(Heap, ZeroBytesStillGiveDistinctPointers)
{
    Arena arena(4096);
    Heap heap;
    heap.add_arena(arena.base, arena.size);
    void* a = heap.allocate(0);
    void* b = heap.allocate(0);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    EXPECT_NE(a, b);
    heap.free(a);
    heap.free(b);
}

TEST(Heap, Alignment)
{
    Arena arena(256 * 1024, 8);
    Heap heap;
    heap.add_arena(arena.base, arena.size);
    size_t capacity = heap.bytes_free();
    std::vector<void*> pointers;
    for (int round = 0; round < 3; ++round) {
        for (size_t alignment = 1; alignment <= Heap::max_alignment; alignment *= 2) {
            void* p = heap.allocate(24 + round * 100, alignment);
            ASSERT_NE(p, nullptr) << alignment;
            EXPECT_EQ(address(p) % std::max<size_t>(alignment, 16), 0u) << alignment;
            EXPECT_TRUE(arena.contains(p, 24 + round * 100));
            std::memset(p, 0x5a, 24 + round * 100);
            pointers.push_back(p);
        }
    }
    heap.check_free_list();
    for (void* p : pointers)
        heap.free(p);
    heap.check_free_list();
    EXPECT_EQ(heap.free_block_count(), 1u);
    EXPECT_EQ(heap.bytes_free(), capacity);
}

TEST(Heap, PageAlignedAllocationsBackToBack)
{
    Arena arena(64 * 1024);
    Heap heap;
    heap.add_arena(arena.base, arena.size);
    std::vector<void*> pages;
    while (void* p = heap.allocate(4096, 4096)) {
        EXPECT_EQ(address(p) % 4096, 0u);
        pages.push_back(p);
    }
    // The header before each page pushes the next page-aligned payload a page
    // further on: about half the pages fit...
    EXPECT_GE(pages.size(), 7u);
    // ...and the gaps between them stay free for smaller blocks.
    std::vector<void*> fillers;
    for (size_t i = 0; i + 1 < pages.size(); ++i) {
        void* filler = heap.allocate(4000);
        ASSERT_NE(filler, nullptr) << i;
        fillers.push_back(filler);
    }
    heap.check_free_list();
    for (void* p : fillers)
        heap.free(p);
    for (void* p : pages)
        heap.free(p);
    EXPECT_EQ(heap.free_block_count(), 1u);
}

TEST(Heap, FreeingEverythingCoalescesIntoOneBlock)
{
    Arena arena(1024 * 1024);
    Heap heap;
    heap.add_arena(arena.base, arena.size);
    size_t capacity = heap.bytes_free();
    size_t largest = heap.largest_free_allocation();
    EXPECT_EQ(heap.free_block_count(), 1u);

    std::vector<void*> pointers;
    std::mt19937 random(99);
    for (int i = 0; i < 2000; ++i) {
        void* p = heap.allocate(1 + random() % 300, size_t(1) << (random() % 8));
        ASSERT_NE(p, nullptr);
        pointers.push_back(p);
    }
    // Free in an order that exercises merging with the block before, after,
    // and on both sides.
    std::shuffle(pointers.begin(), pointers.end(), random);
    for (void* p : pointers)
        heap.free(p);
    heap.check_free_list();
    EXPECT_EQ(heap.free_block_count(), 1u);
    EXPECT_EQ(heap.largest_free_allocation(), largest);
    EXPECT_EQ(heap.bytes_free(), capacity);
    EXPECT_EQ(heap.bytes_in_use(), 0u);
    // And the whole of it can be taken in one piece.
    void* all = heap.allocate(largest);
    ASSERT_NE(all, nullptr);
    EXPECT_EQ(heap.bytes_free(), 0u);
    heap.free(all);
}

TEST(Heap, ExhaustionReturnsNullAndLargestIsExact)
{
    Arena arena(8192);
    Heap heap;
    heap.add_arena(arena.base, arena.size);
    size_t largest = heap.largest_free_allocation();
    EXPECT_EQ(heap.allocate(largest + 1), nullptr);
    EXPECT_EQ(heap.allocate(SIZE_MAX), nullptr);
    EXPECT_EQ(heap.allocate(SIZE_MAX - 8), nullptr);
    void* p = heap.allocate(largest);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(heap.allocate(1), nullptr);
    heap.free(p);
    EXPECT_NE(heap.allocate(1), nullptr);
}

TEST(Heap, ArenasCanBeAddedAtAnyTime)
{
    Arena first(4096);
    Arena second(16384, 3);
    Heap heap;
    heap.add_arena(first.base, first.size);
    std::vector<void*> pointers;
    while (void* p = heap.allocate(512))
        pointers.push_back(p);
    size_t from_first = pointers.size();
    EXPECT_GE(from_first, 6u);

    // As the kernel does when allocate fails: grow and retry.
    heap.add_arena(second.base, second.size);
    void* p = heap.allocate(512);
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE(second.contains(p, 512));
    pointers.push_back(p);
    while (void* q = heap.allocate(512))
        pointers.push_back(q);
    EXPECT_GE(pointers.size(), from_first + 28);

    for (void* q : pointers)
        heap.free(q);
    heap.check_free_list();
    // Arenas are never merged with each other.
    EXPECT_EQ(heap.free_block_count(), 2u);
    EXPECT_EQ(heap.bytes_in_use(), 0u);
}

TEST(Heap, TinyArenasAreIgnored)
{
    Arena arena(200, 1);
    Heap heap;
    heap.add_arena(arena.base, 0);
    heap.add_arena(arena.base, 60);
    EXPECT_EQ(heap.bytes_free(), 0u);
    EXPECT_EQ(heap.allocate(1), nullptr);
    heap.add_arena(arena.base, 200);
    EXPECT_GT(heap.bytes_free(), 0u);
    void* p = heap.allocate(16);
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE(arena.contains(p, 16));
}

TEST(Heap, RandomisedAllocationsKeepTheirContents)
{
    Arena first(512 * 1024, 5);
    Arena second(128 * 1024);
    Heap heap;
    heap.add_arena(first.base, first.size);
    heap.add_arena(second.base, second.size);
    size_t capacity = heap.bytes_free();

    struct Live {
        size_t bytes;
        uint8_t pattern;
    };
    std::map<uint8_t*, Live> live;
    std::mt19937_64 random(31337);
    auto verify = [](uint8_t* p, const Live& l) {
        for (size_t i = 0; i < l.bytes; ++i) {
            if (p[i] != static_cast<uint8_t>(l.pattern + i))
                return false;
        }
        return true;
    };

    for (int step = 0; step < 30000; ++step) {
        if (!live.empty() && random() % 100 < 48) {
            auto it = live.begin();
            std::advance(it, static_cast<long>(random() % live.size()));
            ASSERT_TRUE(verify(it->first, it->second)) << "step " << step;
            heap.free(it->first);
            live.erase(it);
        } else {
            size_t bytes = random() % 8 == 0 ? random() % 20000 : random() % 200;
            size_t alignment = random() % 10 == 0 ? size_t(1) << (random() % 13) : 16;
            auto* p = static_cast<uint8_t*>(heap.allocate(bytes, alignment));
            if (p == nullptr)
                continue;
            ASSERT_EQ(address(p) % std::max<size_t>(alignment, 16), 0u);
            ASSERT_TRUE(first.contains(p, bytes) || second.contains(p, bytes));
            // No overlap with a neighbour in address order.
            auto next = live.lower_bound(p);
            if (next != live.end()) {
                ASSERT_LE(p + bytes, next->first);
            }
            if (next != live.begin()) {
                auto previous = std::prev(next);
                ASSERT_LE(previous->first + previous->second.bytes, p);
            }
            Live l {bytes, static_cast<uint8_t>(random())};
            for (size_t i = 0; i < bytes; ++i)
                p[i] = static_cast<uint8_t>(l.pattern + i);
            live[p] = l;
        }
        ASSERT_EQ(heap.bytes_in_use() + heap.bytes_free(), capacity);
        if (step % 1000 == 0)
            heap.check_free_list();
    }
    for (auto& [p, l] : live) {
        ASSERT_TRUE(verify(p, l));
        heap.free(p);
    }
    heap.check_free_list();
    EXPECT_EQ(heap.free_block_count(), 2u);
    EXPECT_EQ(heap.bytes_free(), capacity);
}

TEST(HeapDeathTest, DoubleFree)
{
    Arena arena(4096);
    Heap heap;
    heap.add_arena(arena.base, arena.size);
    void* a = heap.allocate(64);
    void* b = heap.allocate(64);
    void* c = heap.allocate(64);
    heap.free(a);
    EXPECT_DEATH(heap.free(a), "ASSERTION FAILED: !double_free");
    // b merges into a's free block: its header is gone, and a second free of it
    // is still caught.
    heap.free(b);
    EXPECT_DEATH(heap.free(b), "ASSERTION FAILED");
    heap.free(c);
    EXPECT_DEATH(heap.free(c), "ASSERTION FAILED");
}

TEST(HeapDeathTest, OverwrittenHeader)
{
    Arena arena(4096);
    Heap heap;
    heap.add_arena(arena.base, arena.size);
    auto* a = static_cast<uint8_t*>(heap.allocate(64));
    auto* b = static_cast<uint8_t*>(heap.allocate(64));
    ASSERT_NE(b, nullptr);
    // A buffer overrun from a into b's header.
    std::memset(a, 0, 64 + 32 + 16);
    EXPECT_DEATH(heap.free(b), "ASSERTION FAILED");
}

TEST(HeapDeathTest, OverwrittenNeighbourIsCaughtWhenMerging)
{
    Arena arena(4096);
    Heap heap;
    heap.add_arena(arena.base, arena.size);
    auto* a = static_cast<uint8_t*>(heap.allocate(64));
    auto* b = static_cast<uint8_t*>(heap.allocate(64));
    ASSERT_NE(b, nullptr);
    // Corrupt only the size field of b's header (8 bytes into it).
    b[-24] ^= 0x10;
    EXPECT_DEATH(heap.free(a), "ASSERTION FAILED");
}

TEST(HeapDeathTest, PointerNotFromTheHeap)
{
    Arena arena(4096);
    Heap heap;
    heap.add_arena(arena.base, arena.size);
    auto* a = static_cast<uint8_t*>(heap.allocate(256));
    std::memset(a, 0, 256);
    EXPECT_DEATH(heap.free(a + 64), "ASSERTION FAILED");
    EXPECT_DEATH(heap.free(a + 3), "ASSERTION FAILED");
}

TEST(HeapDeathTest, UnsupportedAlignment)
{
    Arena arena(4096);
    Heap heap;
    heap.add_arena(arena.base, arena.size);
    EXPECT_DEATH(heap.allocate(16, 8192), "ASSERTION FAILED");
    EXPECT_DEATH(heap.allocate(16, 24), "ASSERTION FAILED");
    EXPECT_DEATH(heap.allocate(16, 0), "ASSERTION FAILED");
}
