#pragma once

#include "core/config/config.h"

// debug=fault-*: crash on purpose, so that tests (and readers) can see each
// kind of exception report. fault-pf, fault-gp, fault-ud and fault-de provoke
// the plain exceptions; fault-stack-overflow, fault-null, fault-write-text and
// fault-exec-data the protections rota's page tables add (docs/memory.md), and
// fault-on-ap runs them on the last CPU started instead of the boot CPU. A
// fault that does not happen is logged, and the boot goes on. stray-irq, which
// is no fault, sends the boot CPU an interrupt nobody handles and checks that
// the nap timer still works.

namespace rota {

void run_debug_faults(const Config& config);

} // namespace rota
