#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/lib/expected.h"
#include "gfx/display/display.h"
#include "gfx/display/screen.h"
#include "support/test_canvas.h"

// Displays and display steps for host tests of the Screen and the frame loop:
// a display that presents into a TestCanvas and can be told to fail, and a
// step that hands one out (or refuses). Everything they are asked is recorded.

namespace display_test {

class FakeDisplay final : public rota::Display {
public:
    FakeDisplay(const char* name, uint32_t width, uint32_t height)
        : m_name(name)
        , m_canvas(int32_t(width), int32_t(height), 0)
        , m_mode {width, height}
    {
    }

    const char* backend_name() const override { return m_name; }
    rota::DisplayMode mode() const override { return m_mode; }
    rota::Surface back_buffer() override { return m_canvas.surface; }
    rota::Expected<void> present(const rota::Damage& damage) override
    {
        ++present_calls;
        if (fail_at_present != 0 && present_calls >= fail_at_present)
            return rota::make_error(rota::Error::DeviceError);
        presented.push_back(damage);
        return {};
    }
    rota::virtio::QueueCounters take_counters() override
    {
        ++counters_taken;
        return counters_each_frame;
    }
    void abandon() override { ++abandoned; }

    // Present number N (1-based) and every later one fail; 0: never.
    uint64_t fail_at_present {0};
    rota::virtio::QueueCounters counters_each_frame {3, 0, 2, 1};
    uint64_t present_calls {0};
    uint64_t counters_taken {0};
    int abandoned {0};
    std::vector<rota::Damage> presented; // the damage of every successful present

private:
    const char* m_name;
    TestCanvas m_canvas;
    rota::DisplayMode m_mode;
};

class FakeStep final : public rota::DisplayStep {
public:
    FakeStep(const char* name, FakeDisplay* display, std::vector<std::string>& journal,
        const char* fallback = nullptr)
        : m_name(name)
        , m_display(display)
        , m_journal(journal)
        , m_fallback(fallback)
    {
    }
    const char* name() const override { return m_name; }
    rota::Display* open() override
    {
        ++opened;
        m_journal.push_back(std::string("open ") + m_name);
        return m_display;
    }
    const char* fallback_line() const override { return m_fallback; }

    int opened {0};

private:
    const char* m_name;
    FakeDisplay* m_display; // null: this step fails
    std::vector<std::string>& m_journal;
    const char* m_fallback;
};

// A sink that writes into the same journal as the steps, so a test sees the
// order of log lines and step openings together.
class JournalSink final : public rota::DiagnosticSink {
public:
    explicit JournalSink(std::vector<std::string>& journal)
        : m_journal(journal)
    {
    }
    void report(const char* line) override { m_journal.emplace_back(line); }

private:
    std::vector<std::string>& m_journal;
};

} // namespace display_test
