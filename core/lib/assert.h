#pragma once

// Asserts guard rota's own invariants and are always on. They are never used on
// input from a device, a table or a file: that is validated and returned as an
// Error. The kernel's handler logs to serial and halts; the host build aborts so
// GoogleTest reports it.

namespace rota {
[[noreturn]] void assertion_failed(const char* expression, const char* file, int line);
} // namespace rota

#define ROTA_ASSERT(expression)                                                                    \
    do {                                                                                           \
        if (!(expression)) [[unlikely]]                                                            \
            ::rota::assertion_failed(#expression, __FILE__, __LINE__);                             \
    } while (0)
