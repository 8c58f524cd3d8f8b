// enter_kernel(stack_top, entry, info): leaves the firmware's stack for the
// kernel's and calls entry(info); never returns. rbp = 0 ends every stack
// trace here.
.section .text
.code64
.globl enter_kernel
.hidden enter_kernel
enter_kernel:
    movq %rdi, %rsp
    xorl %ebp, %ebp
    movq %rdx, %rdi
    call *%rsi
1:  cli
    hlt
    jmp 1b

.section .note.GNU-stack, "", @progbits
