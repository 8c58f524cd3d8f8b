#pragma once

#include <cstddef>
#include <cstdint>

#include "core/cpu/vectors.h"
#include "core/lib/expected.h"

// Which device vectors (core/cpu/vectors.h) are taken on which CPU. Each CPU
// has its own set, so the number of device interrupts grows with the CPUs
// rather than being capped at one IDT's worth (Linux's per-CPU vector_irq).
//
// MSI with several messages needs an aligned block: the function changes the
// low bits of the message data to say which message it sends (PCI Local Bus
// 3.0, 6.8.1.6), so `count` (a power of two) vectors starting at a multiple
// of `count`. MSI-X and INTx take one vector at a time.
//
// Pure bookkeeping: the kernel wraps it with the handler table
// (core/cpu/interrupts.h) and its lock.

namespace rota {

inline constexpr uint32_t max_interrupt_cpus = 16; // CPUs that take device interrupts

class VectorAllocator {
public:
    // `count` vectors on `cpu`, aligned to `count` (1, 2, 4, ... 32): the first
    // of them. Error::InvalidArgument for a count that is not such a power of
    // two or a cpu past max_interrupt_cpus; Error::Busy when no block is free.
    Expected<uint8_t> allocate(uint32_t cpu, uint32_t count = 1);
    // Gives back a block allocate() handed out. Freeing what is not allocated
    // is a bug in rota (asserted).
    void free(uint32_t cpu, uint8_t first, uint32_t count = 1);
    bool is_allocated(uint32_t cpu, uint8_t v) const;
    uint32_t allocated(uint32_t cpu) const;

private:
    static constexpr size_t words = (vector::device_count + 63) / 64;
    uint64_t m_taken[max_interrupt_cpus][words] {};
};

} // namespace rota
