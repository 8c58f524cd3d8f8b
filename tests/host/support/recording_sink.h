#pragma once

// A DiagnosticSink for host tests: keeps every line it is given, for the test
// to compare or search.

#include <string>
#include <vector>

#include "core/log/diagnostic_sink.h"

namespace rota_test {

class RecordingSink final : public rota::DiagnosticSink {
public:
    void report(const char* line) override { lines.emplace_back(line); }

    bool contains(const std::string& text) const
    {
        for (const std::string& line : lines) {
            if (line.find(text) != std::string::npos)
                return true;
        }
        return false;
    }
    // Every line, each ending in a newline: for a failing test's message.
    std::string all() const
    {
        std::string text;
        for (const std::string& line : lines)
            text += line + "\n";
        return text;
    }

    std::vector<std::string> lines;
};

} // namespace rota_test
