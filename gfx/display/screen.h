#pragma once

#include <cstddef>
#include <span>

#include "core/display/display_mode.h"
#include "core/log/diagnostic_sink.h"
#include "gfx/display/display.h"

// The one owner of "the current display". The kernel hands it the display
// chain in order of preference (virtio-gpu, then the GOP framebuffer, ...);
// start() opens the first step that works, and when the display in use fails,
// fail_over() abandons it and opens the next step after it. Whoever draws asks
// the screen for the display each frame and never sees the swap: when the
// chain runs out the screen is headless (display() is null). Pure: the steps
// do the hardware work, the screen only decides and logs.
//
// Lines it logs (docs/serial.md):
//   [video] <backend> stopped working          the display in use failed
//   <step's fallback line>                      a later step is tried because an
//                                               earlier one failed, e.g.
//                                               "Video: virgl backend unavailable;
//                                               falling back to framebuffer"
//   [video] backend=none: no usable display, running headless

namespace rota {

// One way of getting a display.
class DisplayStep {
public:
    // The backend it opens, as the log and the heads-up display name it.
    virtual const char* name() const = 0;
    // The display, or null after logging why this step cannot give one.
    virtual Display* open() = 0;
    // Logged just before this step is tried because an earlier step failed
    // (null: nothing to say).
    virtual const char* fallback_line() const { return nullptr; }

protected:
    ~DisplayStep() = default;
};

class Screen {
public:
    static constexpr size_t max_steps = 4;

    // `chain` in order of preference: only the steps the configuration allows.
    Screen(std::span<DisplayStep* const> chain, DiagnosticSink& log);

    // Opens the first step that gives a display; headless if none does.
    void start();
    // The display in use; null when headless.
    Display* display() const { return m_display; }
    bool headless() const { return m_display == nullptr; }
    // "none" when headless.
    const char* backend_name() const;
    // {0, 0} when headless.
    DisplayMode mode() const;
    // How many times the display has been replaced: a scene laid out for one
    // display compares this to know it is drawing on another.
    size_t replacements() const { return m_replacements; }

    // The display in use stopped working: stop it (Display::abandon) and open
    // the next step after it. Returns the new display, or null (headless).
    Display* fail_over();

private:
    // Tries steps from `first` on; `after_failure` when an earlier step failed.
    void open_from(size_t first, bool after_failure);

    DisplayStep* m_steps[max_steps] {};
    size_t m_step_count {0};
    DiagnosticSink& m_log;
    Display* m_display {nullptr};
    size_t m_current {0}; // the step that gave m_display
    size_t m_replacements {0};
};

} // namespace rota
