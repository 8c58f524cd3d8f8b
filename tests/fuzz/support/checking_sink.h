#pragma once

#include <cstring>

#include "core/log/diagnostic_sink.h"
#include "fuzz_target.h"

// The sink a decoder reports to, checking what every serial line must be
// (README.md "Reading the serial log"): one line (no newline of its own),
// bounded, and printable ASCII whatever the input held, so hostile bytes
// cannot reach the terminal.

namespace rota::fuzz {

class CheckingSink final : public DiagnosticSink {
public:
    static constexpr size_t max_line = 256;

    void report(const char* line) override
    {
        size_t length = strnlen(line, max_line);
        FUZZ_CHECK(length < max_line);
        for (size_t i = 0; i < length; ++i) {
            auto c = static_cast<unsigned char>(line[i]);
            FUZZ_CHECK(c >= 0x20 && c < 0x7f);
        }
        ++lines;
    }

    size_t lines {0};
};

} // namespace rota::fuzz
