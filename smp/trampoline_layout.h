#pragma once

// Where things sit in the AP start-up pages (smp/trampoline.S), shared by the
// assembly and by the C++ that fills the pages in (offsets from the first page's
// start; the C++ side static_asserts its struct against them). The code starts
// at offset 0 because a SIPI starts the AP at CS:IP = page:0 in real mode. The
// data block is the second page: the code page is mapped read-only and
// executable once it is written, the data page writable and not executable
// (docs/memory.md), and real mode reaches both through one segment.

#define TRAMP_DATA 0x1000
#define TRAMP_GDT (TRAMP_DATA + 0x00) /* 5 descriptors */
#define TRAMP_GDT_POINTER (TRAMP_DATA + 0x28) /* u16 limit, u32 base */
#define TRAMP_FAR32 (TRAMP_DATA + 0x30) /* u32 offset, u16 selector */
#define TRAMP_FAR64 (TRAMP_DATA + 0x38) /* u32 offset, u16 selector */
#define TRAMP_CR3 (TRAMP_DATA + 0x40)
#define TRAMP_CR4 (TRAMP_DATA + 0x48)
#define TRAMP_EFER (TRAMP_DATA + 0x50)
#define TRAMP_CR0 (TRAMP_DATA + 0x58)
#define TRAMP_STACK (TRAMP_DATA + 0x60)
#define TRAMP_PER_CPU (TRAMP_DATA + 0x68)
#define TRAMP_ENTRY (TRAMP_DATA + 0x70)
#define TRAMP_STARTED (TRAMP_DATA + 0x78) /* u32, incremented in long mode */
#define TRAMP_SIZE (TRAMP_DATA + 0x80)

#define TRAMP_SEL_CODE32 0x08
#define TRAMP_SEL_DATA 0x10
#define TRAMP_SEL_CODE64 0x18
