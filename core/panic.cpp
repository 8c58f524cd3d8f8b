#include "core/panic.h"

#include <cstdarg>

#include "core/cpu/cpu_local.h"
#include "core/cpu/panic_stop.h"
#include "core/cpu/x86.h"
#include "core/lib/assert.h"
#include "core/lib/format.h"
#include "core/log/log.h"

namespace rota {

void panic(const char* format_string, ...)
{
    x86::cli();
    PanicRole role = panic_begin(current_cpu_index());
    if (role == PanicRole::Stopped)
        x86::halt_forever();
    char message[200];
    va_list args;
    va_start(args, format_string);
    vformat(message, sizeof message, format_string, args);
    va_end(args);
    panic_log("[panic] %s%s (called from %p)", role == PanicRole::Nested ? "while reporting: " : "",
        message, __builtin_return_address(0));
    panic_log("[panic] halted");
    x86::halt_forever();
}

void assertion_failed(const char* expression, const char* file, int line)
{
    panic("assertion failed: %s at %s:%d", expression, file, line);
}

} // namespace rota
