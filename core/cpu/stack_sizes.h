#pragma once

#include <cstddef>

// The size of every CPU's stacks, in 4 KiB pages: the boot CPU's, which efi/
// allocates before ExitBootServices, and each application processor's, which
// smp/ap_start.cpp allocates when it starts one. The IST stacks are the
// separate stacks of the double fault, NMI and machine check handlers (Intel
// SDM vol. 3A, 7.14.5 "Interrupt Stack Table").

namespace rota {

inline constexpr size_t kernel_stack_pages = 16; // 64 KiB
inline constexpr size_t ist_stack_pages = 4; // 16 KiB each

} // namespace rota
