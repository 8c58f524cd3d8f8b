#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/lib/string_view.h"

// The user's configuration (SPEC section 5): `rota.cfg` at the root of the ESP,
// overridden by the image's UEFI load options. Parsing is pure logic: efi/ reads
// the file and converts the load options to ASCII, then hands the text here. A
// mistake in either is reported, one line per problem, and the earlier value is
// kept; the configuration never stops the boot.

namespace rota {

enum class VideoChoice { Auto, Virtio, Gop };

struct DisplayMode {
    uint32_t width;
    uint32_t height;
};

// `debug=` switches, for tests that must provoke what a healthy boot never does.
enum DebugFlag : uint32_t {
    DebugFaultPageFault = 1u << 0,
    DebugFaultInvalidOpcode = 1u << 1,
    DebugFaultGeneralProtection = 1u << 2,
    DebugFaultDivide = 1u << 3,
    DebugSmpSelftest = 1u << 4,
    DebugBlkSelftest = 1u << 5,
    DebugDumpAcpi = 1u << 6, // hex-dump every ACPI table (to capture test fixtures)
    DebugDumpPci = 1u << 7,  // hex-dump every PCI function's configuration space
    DebugGpuCopy = 1u << 8, // virtio-gpu: draw into a private buffer and copy the damage (for comparison)
    DebugTestScene = 1u << 9, // show the display test scene instead of the roulette
    DebugFullPresent = 1u << 10, // present the whole screen every frame (benchmark baseline)
    DebugFrameTimes = 1u << 11,  // a "[frametime] n= ms=" line per frame (benchmark plots)
    DebugGpuFault = 1u << 13, // virtio-gpu: send a bad command at frame 30 (tests the fail-over)
    DebugPresentOnly = 1u << 14, // after the first frame, present the same damage without drawing (device ceiling)
    DebugJournalTest = 1u << 12, // append a few made-up spins to the journal at boot (tests)
};

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
    uint32_t debug = 0; // DebugFlag bits
};

// Where configuration problems go (the kernel's sink logs them to serial). Each
// call is one complete line without a newline.
class DiagnosticSink {
public:
    virtual void report(const char* line) = 0;

protected:
    ~DiagnosticSink() = default;
};

// Applies `rota.cfg`: `key=value` lines; `#` starts a comment (whole-line or
// trailing); blank lines, CRLF line ends, surrounding whitespace and a leading
// UTF-8 byte order mark are accepted. A repeated key: the last one wins.
void apply_config_file(Config& config, StringView text, DiagnosticSink& sink);

// Applies the UEFI load options, already converted to ASCII: tokens separated by
// spaces or tabs. Tokens without '=' are ignored (the first is usually the
// image's path); `key=value` tokens are parsed as in the file and override it.
void apply_load_options(Config& config, StringView options, DiagnosticSink& sink);

// Writes the one-line summary of `config`, e.g.
// "[config] video=auto mode=preferred frames=0 gate=on seed=tsc perframe=on fps=60
// cpus=all journal=on debug=none". Always NUL-terminates (when capacity > 0);
// returns the length written, truncated to fit.
size_t describe_config(const Config& config, char* buffer, size_t capacity);

} // namespace rota
