#pragma once

// The x87/SSE state every CPU starts from. The kernel is compiled for x86-64,
// whose ABI has SSE2 (large memcpy and memset use it on purpose, and the
// compiler for doubles and copies), so each CPU turns it on itself instead of
// trusting what the firmware or the INIT-SIPI-SIPI start left in CR0 and CR4.
// Interrupt handlers may use it too: the entry stubs save and restore the
// whole state around them (core/cpu/isr.S, FXSAVE).

namespace rota {

// CR0.EM clear and CR0.MP set (SSE and x87 run, WAIT honours TS), CR0.TS clear
// (no #NM on first use), CR4.OSFXSR (FXSAVE/FXRSTOR and SSE) and CR4.OSXMMEXCPT
// (SIMD exceptions as #XM, all masked below); then the power-on x87 state and
// MXCSR 0x1F80 (every exception masked, round to nearest). Intel SDM vol. 3,
// 13.1.3 and 13.1.5. Call once on each CPU, before anything else.
void fpu_init();

} // namespace rota
