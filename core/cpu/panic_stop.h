#pragma once

#include <cstdint>

// One report per crash, and the whole machine stops: the first CPU to panic
// (an exception, or a call to panic()) reports, and stops the others first, so
// that the report is not interleaved with theirs and no CPU goes on using what
// the crashed one left half-done. smp/ installs how to stop them once the
// application processors run (an NMI to all others: an NMI arrives even with
// interrupts off, on a stack of its own); the others take that NMI as "halt".

namespace rota {

using StopOtherCpus = void (*)();

void panic_set_stop_other_cpus(StopOtherCpus stop);

enum class PanicRole {
    Report, // the first panic: report it (the other CPUs are being stopped)
    Nested, // this CPU panicked again while reporting: say so in a line and halt
    Stopped, // another CPU is reporting: halt quietly
};

// Call first on every panic path, with interrupts off.
PanicRole panic_begin(uint32_t cpu);

} // namespace rota
