// The application processors' first instructions (Intel SDM vol. 3, 9.4.4 and
// 9.8.5). This code is not run where it is linked: the boot CPU copies it to a
// page below 1 MiB and fills in the data block (smp/trampoline_layout.h). A
// SIPI starts the AP in real mode at that page's offset 0; it goes to 32-bit
// protected mode, turns on long mode with the boot CPU's CR3/CR4/EFER/CR0 (so
// it runs on the same page tables), and calls entry(per_cpu) on its own stack.

#include "smp/trampoline_layout.h"

.section .rodata
.balign 16

.code16
.globl ap_trampoline_start
.hidden ap_trampoline_start
ap_trampoline_start:
    cli
    cld
    movw %cs, %ax
    movw %ax, %ds
    movzwl %ax, %ebx
    shll $4, %ebx                   // ebx: the page's linear address, kept to the end
    lgdtl TRAMP_GDT_POINTER
    movl %cr0, %eax
    orl $1, %eax                    // PE: protected mode, paging still off
    movl %eax, %cr0
    ljmpl *TRAMP_FAR32

.code32
.globl ap_trampoline_32
.hidden ap_trampoline_32
ap_trampoline_32:
    movw $TRAMP_SEL_DATA, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movl TRAMP_CR4(%ebx), %eax      // PAE (and the boot CPU's other features)
    movl %eax, %cr4
    movl TRAMP_CR3(%ebx), %eax      // the boot CPU's PML4, below 4 GiB
    movl %eax, %cr3
    movl $0xc0000080, %ecx          // IA32_EFER: LME (and NXE if the tables use NX)
    movl TRAMP_EFER(%ebx), %eax
    movl TRAMP_EFER+4(%ebx), %edx
    wrmsr
    movl TRAMP_CR0(%ebx), %eax      // PG|PE: paging on, now in compatibility mode
    movl %eax, %cr0
    ljmpl *TRAMP_FAR64(%ebx)        // to a 64-bit code segment: long mode proper

.code64
.globl ap_trampoline_64
.hidden ap_trampoline_64
ap_trampoline_64:
    movw $TRAMP_SEL_DATA, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorl %eax, %eax
    movw %ax, %fs
    movw %ax, %gs
    movq TRAMP_STACK(%rbx), %rsp
    movq TRAMP_PER_CPU(%rbx), %rdi
    movq TRAMP_ENTRY(%rbx), %rax
    lock incl TRAMP_STARTED(%rbx)   // tells the boot CPU the data was read
    xorl %ebp, %ebp                 // ends stack traces here
    call *%rax
1:  cli
    hlt
    jmp 1b

.globl ap_trampoline_end
.hidden ap_trampoline_end
ap_trampoline_end:

.section .note.GNU-stack, "", @progbits
