#pragma once

#include <cstddef>
#include <cstdint>

#include "core/cpu/gdt.h"
#include "core/mem/kernel_address_space.h"
#include "core/mem/stack_region.h"

// What a page fault (or a double fault caused by one) means, in words a reader
// of the log understands: a stack overflow, a null pointer, a write to
// read-only memory, a jump into no-execute memory. Pure: the crash reporter
// passes in the fault and what it knows about this CPU and the kernel image.

namespace rota {

// The error code a page fault pushes (Intel SDM vol. 3A, 4.7, figure 4-12).
struct PageFaultError {
    bool present; // P: a protection violation, not a missing page
    bool write; // W/R
    bool user; // U/S
    bool reserved_bit; // RSVD: a page-table entry sets a reserved bit
    bool instruction_fetch; // I/D: needs NX enabled

    static constexpr PageFaultError decode(uint64_t code)
    {
        return {
            (code & 1) != 0, (code & 2) != 0, (code & 4) != 0, (code & 8) != 0, (code & 16) != 0};
    }
};

enum class PageFaultKind {
    StackOverflow, // the address is one of this CPU's stack guard pages
    NullPointer, // the address is in page 0
    WriteToReadOnly,
    ExecuteNoExecute,
    ReservedBit,
    NotMapped,
    Other,
};

// What the crash reporter knows about the CPU that faulted.
struct FaultContext {
    uint32_t cpu {0};
    StackRegion kernel_stack;
    StackRegion ist_stacks[ist::count];
    KernelImageLayout image;
};

struct PageFaultReport {
    PageFaultKind kind;
    const char* region; // the stack or image part the address is in, or "memory"
    StackRegion stack; // for StackOverflow: the stack that overflowed
};

PageFaultReport classify_page_fault(
    uint64_t address, PageFaultError error, const FaultContext& context);

// The "[panic] ..." line's text for a page fault at `address` with `rip` and
// `rsp` from the frame, e.g. "stack overflow on cpu 2: the kernel stack
// 0x...-0x... ran into its guard page at 0x... (rsp=0x...)". Always
// NUL-terminates; returns the length written.
size_t describe_page_fault(const PageFaultReport& report, uint64_t address, PageFaultError error,
    uint64_t rip, uint64_t rsp, const FaultContext& context, char* buffer, size_t capacity);

} // namespace rota
