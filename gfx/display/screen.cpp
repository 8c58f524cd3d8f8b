#include "gfx/display/screen.h"

#include "core/lib/assert.h"
#include "core/lib/format.h"

namespace rota {

Screen::Screen(std::span<DisplayStep* const> chain, DiagnosticSink& log)
    : m_log(log)
{
    // The chain is built by the kernel from a fixed list: a longer one is our bug.
    ROTA_ASSERT(chain.size() <= max_steps);
    for (DisplayStep* step : chain)
        m_steps[m_step_count++] = step;
}

void Screen::start()
{
    open_from(0, false);
}

const char* Screen::backend_name() const
{
    return m_display != nullptr ? m_display->backend_name() : "none";
}

DisplayMode Screen::mode() const
{
    return m_display != nullptr ? m_display->mode() : DisplayMode {0, 0};
}

Display* Screen::fail_over()
{
    if (m_display == nullptr)
        return nullptr;
    char line[96];
    format(line, sizeof line, "[video] %s stopped working", m_display->backend_name());
    m_log.report(line);
    // Stop the device before anything else reuses the memory it was given.
    m_display->abandon();
    m_display = nullptr;
    ++m_replacements;
    open_from(m_current + 1, true);
    return m_display;
}

void Screen::open_from(size_t first, bool after_failure)
{
    for (size_t i = first; i < m_step_count; ++i) {
        DisplayStep& step = *m_steps[i];
        if (after_failure && step.fallback_line() != nullptr)
            m_log.report(step.fallback_line());
        if (Display* display = step.open()) {
            m_display = display;
            m_current = i;
            return;
        }
        after_failure = true;
    }
    m_log.report("[video] backend=none: no usable display, running headless");
}

} // namespace rota
