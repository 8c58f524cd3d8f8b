#pragma once

// Where a pure module sends the lines it wants logged (configuration mistakes,
// a disk's errors, a journal's findings). The kernel's sink writes them to the
// serial log; host tests record them. Each call is one complete line without
// a newline.

namespace rota {

class DiagnosticSink {
public:
    virtual void report(const char* line) = 0;

protected:
    ~DiagnosticSink() = default;
};

} // namespace rota
