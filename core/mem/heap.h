#pragma once

#include <cstddef>
#include <cstdint>

// The kernel heap: a first-fit free list over arenas handed to it, splitting
// blocks on allocation and merging a freed block with free neighbours. Every
// block starts with a header carrying a magic and a check value, so a double
// free or a header overwritten by a stray write trips an assert at the next free
// rather than corrupting the list silently.
//
// Pure logic over memory it is given; the kernel adds arenas from the page
// allocator, at boot and whenever allocate() fails. Not thread-safe.

namespace rota {

namespace heap_detail {
struct Block;
struct FreeBlock;
} // namespace heap_detail

class Heap {
public:
    static constexpr size_t max_alignment = 4096;

    constexpr Heap() = default;
    Heap(const Heap&) = delete;
    Heap& operator=(const Heap&) = delete;

    // Hands [base, base + bytes) to the heap, at any time. Arenas are never
    // merged with each other; one too small to hold a block is ignored.
    void add_arena(void* base, size_t bytes);

    // `bytes` aligned to `alignment` (a power of two up to max_alignment;
    // smaller ones are raised to 16), or nullptr when no free block fits.
    // Zero bytes still return a unique pointer.
    void* allocate(size_t bytes, size_t alignment = 16);

    // Returns a block from allocate(); nullptr is ignored. Freeing anything
    // else, or freeing twice, asserts.
    void free(void* pointer);

    // Bytes in allocated blocks and in free blocks, headers and padding
    // included: their sum is the arenas' size less a small fixed cost per arena.
    size_t bytes_in_use() const { return m_bytes_in_use; }
    size_t bytes_free() const { return m_bytes_free; }

    // The largest request (with 16-byte alignment) that would succeed now.
    size_t largest_free_allocation() const;
    size_t free_block_count() const;

    // Walks every free block and checks its header and links; asserts on damage.
    void check_free_list() const;

private:
    using Block = heap_detail::Block;
    using FreeBlock = heap_detail::FreeBlock;

    // Takes a block of `size` bytes whose payload is aligned to `alignment` from
    // the free block `block`; nullptr when it does not fit there.
    void* carve(FreeBlock* block, size_t size, size_t alignment);
    void push_free(uintptr_t address, size_t size, size_t previous_size);
    void unlink(FreeBlock* block);

    FreeBlock* m_free_list {nullptr}; // unordered; no two free blocks are neighbours
    size_t m_bytes_in_use {0};
    size_t m_bytes_free {0};
};

} // namespace rota
