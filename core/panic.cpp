#include "core/panic.h"

#include <cstdarg>

#include "core/cpu/x86.h"
#include "core/lib/assert.h"
#include "core/lib/format.h"
#include "core/log/log.h"

namespace rota {

void panic(const char* format_string, ...)
{
    x86::cli();
    char message[200];
    va_list args;
    va_start(args, format_string);
    vformat(message, sizeof message, format_string, args);
    va_end(args);
    panic_log("[panic] %s (called from %p)", message, __builtin_return_address(0));
    panic_log("[panic] halted");
    x86::halt_forever();
}

void assertion_failed(const char* expression, const char* file, int line)
{
    panic("assertion failed: %s at %s:%d", expression, file, line);
}

} // namespace rota
