#pragma once

#include <cstddef>
#include <cstdint>

// What the interrupt entry stubs (isr.S) leave on the stack: the general
// registers they pushed, the vector and error code (zero when the CPU pushes
// none), then the frame the CPU pushed (Intel SDM vol. 3, 6.14.1).

namespace rota {

struct InterruptFrame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector;
    uint64_t error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

// isr.S pushes in this order; these offsets are what its code assumes.
static_assert(offsetof(InterruptFrame, rax) == 14 * 8);
static_assert(offsetof(InterruptFrame, vector) == 15 * 8);
static_assert(offsetof(InterruptFrame, rip) == 17 * 8);
static_assert(sizeof(InterruptFrame) == 22 * 8);

} // namespace rota
