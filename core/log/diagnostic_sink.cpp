#include "core/log/diagnostic_sink.h"

#include "core/lib/format.h"

namespace rota {

void DiagnosticSink::reportf(const char* format, ...)
{
    va_list args;
    va_start(args, format);
    vreportf(format, args);
    va_end(args);
}

void DiagnosticSink::vreportf(const char* format, va_list args)
{
    char line[max_line];
    vformat(line, sizeof line, format, args);
    report(line);
}

} // namespace rota
