// Interrupt entry stubs: one per vector, each 16 bytes, so the IDT code finds
// stub N at isr_stubs + 16 * N without a table of addresses. Every stub makes
// the stack look the same (a dummy error code where the CPU pushes none; Intel
// SDM vol. 3, table 6-1) and jumps to the common path, which saves the general
// registers and the SSE state (handlers are C++ and may use SSE) and calls
// interrupt_dispatch(InterruptFrame*).

.section .text
.code64

.globl isr_stubs
.hidden isr_stubs
.balign 16
isr_stubs:
.set isr_vector, 0
.rept 256
    .balign 16
    .if (isr_vector == 8) || (isr_vector >= 10 && isr_vector <= 14) || (isr_vector == 17) || (isr_vector == 21) || (isr_vector == 29) || (isr_vector == 30)
    .else
        pushq $0
    .endif
    pushq $isr_vector
    jmp isr_common
    .set isr_vector, isr_vector + 1
.endr
.balign 16
.globl isr_stubs_end
.hidden isr_stubs_end
isr_stubs_end:

isr_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, %rdi          // InterruptFrame*
    movq %rsp, %rbx          // callee-saved: the frame, to come back to
    subq $512, %rsp
    andq $-64, %rsp          // fxsave wants 16; 64 keeps the call aligned too
    fxsave64 (%rsp)
    cld                      // the System V ABI requires DF clear on entry
    call interrupt_dispatch
    fxrstor64 (%rsp)
    movq %rbx, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp           // vector and error code
    iretq

.section .note.GNU-stack, "", @progbits
