#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/config/debug_flags.h"
#include "core/display/display_mode.h"
#include "core/lib/string_view.h"
#include "core/log/diagnostic_sink.h"

// The user's configuration (docs/configuration.md): `rota.cfg` at the root of the ESP,
// overridden by the image's UEFI load options. Parsing is pure logic: efi/ reads
// the file and converts the load options to ASCII, then hands the text here. A
// mistake in either is reported, one line per problem, and the earlier value is
// kept; the configuration never stops the boot.

namespace rota {

enum class VideoChoice { Auto, Virgl, Virtio, Gop };

// How the wheel moves: spins that land on the fated wedge (docs/roulette.md), or
// a constant turn that never lands, so that every frame costs the same
// (benchmarks: docs/benchmarks.md).
enum class SpinMode { Fate, Steady };

struct Config {
    VideoChoice video = VideoChoice::Auto;
    std::optional<DisplayMode> mode; // empty: the device's preferred mode
    uint64_t frames = 0; // 0: no frame limit
    bool gate = true;
    std::optional<uint64_t> seed; // empty: seed from the TSC
    bool perframe = true;
    uint32_t fps = 60; // 0: as fast as possible
    std::optional<uint32_t> cpus; // empty: every enabled CPU
    bool journal = true;
    bool irq = true; // devices complete by interrupt (off: polled)
    SpinMode spin = SpinMode::Fate;
    uint32_t debug = 0; // DebugFlag bits

    bool operator==(const Config&) const = default;
};

// Applies `rota.cfg`: `key=value` lines; `#` starts a comment (whole-line or
// trailing); blank lines, CRLF line ends, surrounding whitespace and a leading
// UTF-8 byte order mark are accepted. A repeated key: the last one wins.
void apply_config_file(Config& config, StringView text, DiagnosticSink& sink);

// Applies the UEFI load options, already converted to ASCII: tokens separated by
// spaces or tabs. Tokens without '=' are ignored (the first is usually the
// image's path); `key=value` tokens are parsed as in the file and override it.
void apply_load_options(Config& config, StringView options, DiagnosticSink& sink);

// Load options cut at a length limit may end in part of a token (`frames=600`
// read as `frames=6`): returns `options` without whatever follows the last
// separator, so only whole tokens are applied.
StringView drop_cut_option(StringView options);

// Writes the one-line summary of `config`, e.g.
// "[config] video=auto mode=preferred frames=0 gate=on seed=tsc perframe=on fps=60
// cpus=all journal=on debug=none". Always NUL-terminates (when capacity > 0);
// returns the length written, truncated to fit.
size_t describe_config(const Config& config, char* buffer, size_t capacity);

} // namespace rota
