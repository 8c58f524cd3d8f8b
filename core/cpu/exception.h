#pragma once

#include <cstdint>

#include "core/cpu/interrupt_frame.h"
#include "core/cpu/stack_walk.h"

// The crash reporter: every CPU exception prints what happened — vector, error
// code, the registers, a frame-pointer stack trace with image offsets for
// addr2line — to serial, then halts this CPU. Never a silent triple fault,
// never a reboot loop.

namespace rota {

// Where the kernel image was loaded: addresses are printed relative to it. The
// stack walker stays within the current CPU's stack (from its per-CPU block).
void exception_set_context(uint64_t image_base);

[[noreturn]] void handle_exception(const InterruptFrame& frame);

} // namespace rota
