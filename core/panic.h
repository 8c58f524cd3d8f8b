#pragma once

// A kernel panic: something rota cannot go on from. Prints "[panic] <what>" and
// the caller's address on serial and halts this CPU (no reboot: the log would
// scroll away and a reboot loop helps nobody).

namespace rota {

[[noreturn]] __attribute__((format(printf, 1, 2))) void panic(const char* format, ...);

} // namespace rota
