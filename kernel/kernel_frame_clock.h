#pragma once

#include "gfx/frame/frame_loop.h"

// The frame loop's clock in the kernel: the calibrated TSC, and waits that
// drain the serial log, then sleep on a timer until the frame's deadline
// (core/time/sleep.h) instead of spinning.

namespace rota {

FrameClock& kernel_frame_clock();

} // namespace rota
