#pragma once

#include <cstdarg>
#include <cstddef>

// Where a pure module sends the lines it wants logged (configuration mistakes,
// a disk's errors, a journal's findings). The kernel's sink writes them to the
// serial log; host tests record them. Each call is one complete line without
// a newline.

namespace rota {

class DiagnosticSink {
public:
    // The longest line reportf writes, terminator included (the serial log's
    // own line limit); what is longer is cut.
    static constexpr size_t max_line = 256;

    virtual void report(const char* line) = 0;

    // Formats one line with core/lib/format.h's printf and reports it.
    __attribute__((format(printf, 2, 3))) void reportf(const char* format, ...);
    void vreportf(const char* format, va_list args);

protected:
    ~DiagnosticSink() = default;
};

} // namespace rota
