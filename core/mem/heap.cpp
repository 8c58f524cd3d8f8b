#include "core/mem/heap.h"

#include <bit>
#include <limits>
#include <new>

#include "core/lib/addr.h"
#include "core/lib/assert.h"

// Layout of an arena:
//
//   [block][block]...[block][fence]
//
// Each block starts with a Block header recording its own size and the size of
// the block before it, so both neighbours are found in constant time when it is
// freed (dlmalloc's boundary tags, kept in the header). The fence is a header of
// size 0 that is never free, so the last block never merges past the arena end;
// the first block has previous_size 0. Free blocks hold their list links where
// the payload would be.

namespace rota {

namespace heap_detail {

struct Block {
    uint64_t magic;
    uint64_t size; // the whole block, header included; 0 for the fence
    uint64_t previous_size; // 0 for the first block of an arena
    uint64_t check; // a function of the other three, to catch overwrites
};
static_assert(sizeof(Block) == 32);

struct FreeBlock : Block {
    FreeBlock* next;
    FreeBlock* previous;
};

} // namespace heap_detail

namespace {

using heap_detail::Block;
using heap_detail::FreeBlock;

constexpr uint64_t magic_used = 0x524f5441'55534544; // "ROTAUSED"
constexpr uint64_t magic_free = 0x524f5441'46524545; // "ROTAFREE"
constexpr uint64_t magic_fence = 0x524f5441'454e4421; // "ROTAEND!"
constexpr uint64_t check_salt = 0x9e3779b97f4a7c15;

constexpr size_t granule = 16;
constexpr size_t header_size = sizeof(Block);
constexpr size_t min_block = align_up(sizeof(FreeBlock), granule);
static_assert(min_block == 48);

constexpr uint64_t check_of(uint64_t magic, uint64_t size, uint64_t previous_size)
{
    return magic ^ std::rotl(size, 17) ^ std::rotl(previous_size, 41) ^ check_salt;
}

Block* block_at(uintptr_t address)
{
    return reinterpret_cast<Block*>(address);
}
uintptr_t address_of(const Block* block)
{
    return reinterpret_cast<uintptr_t>(block);
}

void set_header(Block* block, uint64_t magic, uint64_t size, uint64_t previous_size)
{
    block->magic = magic;
    block->size = size;
    block->previous_size = previous_size;
    block->check = check_of(magic, size, previous_size);
}

// Starts a header's lifetime in memory that held something else.
Block* make_header(uintptr_t address, uint64_t magic, uint64_t size, uint64_t previous_size)
{
    auto* block = new (reinterpret_cast<void*>(address)) Block {};
    set_header(block, magic, size, previous_size);
    return block;
}

// A header that the heap wrote and nothing has overwritten since.
bool header_intact(const Block* block)
{
    if (block->check != check_of(block->magic, block->size, block->previous_size))
        return false;
    if (block->magic == magic_fence)
        return block->size == 0;
    return (block->magic == magic_used || block->magic == magic_free) && block->size >= min_block
        && block->size % granule == 0;
}

Block* next_of(const Block* block)
{
    return block_at(address_of(block) + block->size);
}

void set_previous_size(Block* block, uint64_t previous_size)
{
    ROTA_ASSERT(header_intact(block));
    set_header(block, block->magic, block->size, previous_size);
}

} // namespace

void Heap::add_arena(void* base, size_t bytes)
{
    ROTA_ASSERT(reinterpret_cast<uintptr_t>(base) <= std::numeric_limits<uintptr_t>::max() - bytes);
    uintptr_t start = align_up(reinterpret_cast<uintptr_t>(base), granule);
    uintptr_t end = align_down(reinterpret_cast<uintptr_t>(base) + bytes, granule);
    if (end <= start || end - start < min_block + header_size)
        return;
    size_t size = end - start - header_size;
    make_header(end - header_size, magic_fence, 0, size);
    push_free(start, size, 0);
    m_bytes_free += size;
}

void Heap::push_free(uintptr_t address, size_t size, size_t previous_size)
{
    auto* block = new (reinterpret_cast<void*>(address)) FreeBlock {};
    set_header(block, magic_free, size, previous_size);
    block->next = m_free_list;
    block->previous = nullptr;
    if (m_free_list != nullptr)
        m_free_list->previous = block;
    m_free_list = block;
}

void Heap::unlink(FreeBlock* block)
{
    if (block->previous != nullptr)
        block->previous->next = block->next;
    else
        m_free_list = block->next;
    if (block->next != nullptr)
        block->next->previous = block->previous;
}

void* Heap::carve(FreeBlock* block, size_t size, size_t alignment)
{
    uintptr_t start = address_of(block);
    uintptr_t end = start + block->size;
    uint64_t previous_size = block->previous_size;

    // A gap before the aligned payload must be able to stand as a free block.
    uintptr_t payload = align_up(start + header_size, alignment);
    if (payload - header_size != start && payload - header_size - start < min_block)
        payload = align_up(start + header_size + min_block, alignment);
    uintptr_t used_start = payload - header_size;
    if (used_start >= end || end - used_start < size)
        return nullptr;

    unlink(block);
    m_bytes_free -= end - start;

    size_t lead = used_start - start;
    if (lead > 0) {
        push_free(start, lead, previous_size);
        m_bytes_free += lead;
        previous_size = lead;
    }
    size_t tail = end - used_start - size;
    size_t used_size = size;
    if (tail >= min_block) {
        push_free(used_start + size, tail, size);
        m_bytes_free += tail;
        set_previous_size(block_at(end), tail);
    } else {
        // Too small to stand alone: the allocation keeps it as padding.
        used_size += tail;
        set_previous_size(block_at(end), used_size);
    }
    make_header(used_start, magic_used, used_size, previous_size);
    m_bytes_in_use += used_size;
    return reinterpret_cast<void*>(payload);
}

void* Heap::allocate(size_t bytes, size_t alignment)
{
    ROTA_ASSERT(alignment != 0 && (alignment & (alignment - 1)) == 0 && alignment <= max_alignment);
    if (alignment < granule)
        alignment = granule;
    if (bytes > std::numeric_limits<size_t>::max() / 2)
        return nullptr;
    size_t payload = align_up(bytes < granule ? granule : bytes, granule);
    size_t size = header_size + payload;

    for (FreeBlock* block = m_free_list; block != nullptr; block = block->next) {
        ROTA_ASSERT(header_intact(block) && block->magic == magic_free);
        if (block->size < size)
            continue;
        if (void* result = carve(block, size, alignment))
            return result;
    }
    return nullptr;
}

void Heap::free(void* pointer)
{
    if (pointer == nullptr)
        return;
    uintptr_t payload = reinterpret_cast<uintptr_t>(pointer);
    ROTA_ASSERT(payload % granule == 0);
    Block* block = block_at(payload - header_size);
    bool double_free = block->magic == magic_free;
    ROTA_ASSERT(!double_free);
    ROTA_ASSERT(header_intact(block) && block->magic == magic_used);

    size_t size = block->size;
    m_bytes_in_use -= size;
    m_bytes_free += size;
    uintptr_t start = address_of(block);
    uint64_t previous_size = block->previous_size;

    Block* next = next_of(block);
    ROTA_ASSERT(header_intact(next) && next->previous_size == size);
    if (next->magic == magic_free) {
        unlink(static_cast<FreeBlock*>(next));
        size += next->size;
        // A stale header inside a free block must not pass for a live one.
        next->magic = 0;
    }
    if (previous_size != 0) {
        Block* previous = block_at(start - previous_size);
        ROTA_ASSERT(header_intact(previous) && previous->size == previous_size);
        if (previous->magic == magic_free) {
            unlink(static_cast<FreeBlock*>(previous));
            block->magic = 0;
            start -= previous_size;
            size += previous_size;
            previous_size = previous->previous_size;
        }
    }
    push_free(start, size, previous_size);
    set_previous_size(block_at(start + size), size);
}

size_t Heap::largest_free_allocation() const
{
    size_t largest = 0;
    for (const FreeBlock* block = m_free_list; block != nullptr; block = block->next) {
        if (block->size - header_size > largest)
            largest = block->size - header_size;
    }
    return largest;
}

size_t Heap::free_block_count() const
{
    size_t count = 0;
    for (const FreeBlock* block = m_free_list; block != nullptr; block = block->next)
        ++count;
    return count;
}

void Heap::check_free_list() const
{
    size_t total = 0;
    const FreeBlock* previous = nullptr;
    for (const FreeBlock* block = m_free_list; block != nullptr; block = block->next) {
        ROTA_ASSERT(header_intact(block) && block->magic == magic_free);
        ROTA_ASSERT(block->previous == previous);
        const Block* next = next_of(block);
        ROTA_ASSERT(
            header_intact(next) && next->magic != magic_free && next->previous_size == block->size);
        total += block->size;
        previous = block;
    }
    ROTA_ASSERT(total == m_bytes_free);
}

} // namespace rota
