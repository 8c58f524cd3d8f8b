#pragma once

namespace rota {

// debug=smp-selftest: every CPU increments its own per-CPU counter and a
// lock-protected shared counter many times; both sums must be exact. Then it
// measures parallel_for's dispatch latency (halted workers woken by IPI vs
// spinning workers) and the speed-up of a CPU-bound job on 1, 2, 4... CPUs.
// Prints "[smp] selftest ... result=pass|FAIL". Returns whether it passed.
bool smp_selftest();

} // namespace rota
