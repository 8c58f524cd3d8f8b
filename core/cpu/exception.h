#pragma once

#include <cstdint>

#include "core/cpu/interrupt_frame.h"
#include "core/cpu/stack_walk.h"
#include "core/mem/kernel_address_space.h"

// The crash reporter: every CPU exception prints what happened — vector, error
// code, the registers, a frame-pointer stack trace with image offsets for
// addr2line — to serial, then halts this CPU. Never a silent triple fault,
// never a reboot loop.

namespace rota {

// Where the kernel image and its parts were loaded: addresses are printed
// relative to it, and a page fault in it is named by the part. The stack
// walker stays within the current CPU's stack (from its per-CPU block).
void exception_set_context(const KernelImageLayout& image);

[[noreturn]] void handle_exception(const InterruptFrame& frame);

} // namespace rota
