#include "core/cpu/vector_allocator.h"

#include "core/lib/assert.h"

namespace rota {

namespace {

bool is_power_of_two(uint32_t n)
{
    return n != 0 && (n & (n - 1)) == 0;
}

} // namespace

bool VectorAllocator::is_allocated(uint32_t cpu, uint8_t v) const
{
    if (cpu >= max_interrupt_cpus || !vector::is_device(v))
        return false;
    unsigned bit = v - vector::first_device;
    return (m_taken[cpu][bit / 64] >> (bit % 64)) & 1;
}

Expected<uint8_t> VectorAllocator::allocate(uint32_t cpu, uint32_t count)
{
    if (cpu >= max_interrupt_cpus || !is_power_of_two(count) || count > 32)
        return make_error(Error::InvalidArgument);
    // Aligned in vector numbers, not in bit positions: MSI ORs the message
    // number into the vector itself.
    unsigned first = (vector::first_device + count - 1) / count * count;
    for (unsigned start = first; start + count - 1 <= vector::last_device; start += count) {
        bool free = true;
        for (unsigned v = start; v < start + count && free; ++v)
            free = !is_allocated(cpu, uint8_t(v));
        if (!free)
            continue;
        for (unsigned v = start; v < start + count; ++v) {
            unsigned bit = v - vector::first_device;
            m_taken[cpu][bit / 64] |= 1ull << (bit % 64);
        }
        return uint8_t(start);
    }
    return make_error(Error::Busy);
}

void VectorAllocator::free(uint32_t cpu, uint8_t first, uint32_t count)
{
    ROTA_ASSERT(cpu < max_interrupt_cpus);
    for (unsigned v = first; v < unsigned(first) + count; ++v) {
        ROTA_ASSERT(is_allocated(cpu, uint8_t(v)));
        unsigned bit = v - vector::first_device;
        m_taken[cpu][bit / 64] &= ~(1ull << (bit % 64));
    }
}

uint32_t VectorAllocator::allocated(uint32_t cpu) const
{
    if (cpu >= max_interrupt_cpus)
        return 0;
    uint32_t total = 0;
    for (unsigned v = vector::first_device; v <= vector::last_device; ++v)
        total += is_allocated(cpu, uint8_t(v)) ? 1 : 0;
    return total;
}

} // namespace rota
