#pragma once

namespace rota {

struct PerCpu;

// What an application processor does once it is online: wait (halted, or
// spinning in IdleMode::Spin) for parallel_for jobs and help with them.
[[noreturn]] void worker_loop(PerCpu& cpu);

} // namespace rota
