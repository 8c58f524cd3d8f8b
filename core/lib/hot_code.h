#pragma once

// ROTA_HOT_CODE: a function that runs for most of every frame (the wheel's
// inner loops, the GOP copy). The kernel's linker script (cmake/rota.lds)
// puts all of them first in .text, on one page of their own, and fails the
// link if they outgrow it.
//
// That page is for QEMU's TCG, where rota runs under emulation: a translated
// block may jump straight to the next one only when both start on the same
// guest page; a jump to another page goes through a look-up of the target
// instead. With the wheel's row loop straddling a page boundary, as it did by
// the chance of the link, a frame at 1280x800 rendered 7-11% slower on one and
// on two CPUs, on both displays (docs/benchmarks.md). On hardware the page is
// only a little locality.
//
// Host builds (the tests, the fuzz targets) put the section in their .text
// like any other.
#define ROTA_HOT_CODE __attribute__((section(".text.rota_hot")))
