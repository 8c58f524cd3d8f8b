#include "core/config/config.h"

#include <limits>

// docs/configuration.md. The parser never allocates and never trusts its input: the
// file comes from a FAT volume a user edits by hand, so any byte may appear, and
// every line it writes is bounded.

namespace rota {

namespace {

using namespace std::string_view_literals;

enum class Key { Video, Mode, Frames, Gate, Seed, Perframe, Fps, Cpus, Journal, Debug };

struct KeyName {
    StringView name;
    Key key;
};

// In the order describe_config prints them.
constexpr KeyName key_names[] = {
    {"video"sv, Key::Video},
    {"mode"sv, Key::Mode},
    {"frames"sv, Key::Frames},
    {"gate"sv, Key::Gate},
    {"seed"sv, Key::Seed},
    {"perframe"sv, Key::Perframe},
    {"fps"sv, Key::Fps},
    {"cpus"sv, Key::Cpus},
    {"journal"sv, Key::Journal},
    {"debug"sv, Key::Debug},
};

struct DebugName {
    StringView name;
    uint32_t flag;
};

constexpr DebugName debug_names[] = {
    {"fault-pf"sv, DebugFaultPageFault},
    {"fault-ud"sv, DebugFaultInvalidOpcode},
    {"fault-gp"sv, DebugFaultGeneralProtection},
    {"fault-de"sv, DebugFaultDivide},
    {"smp-selftest"sv, DebugSmpSelftest},
    {"blk-selftest"sv, DebugBlkSelftest},
    {"dump-acpi"sv, DebugDumpAcpi},
    {"dump-pci"sv, DebugDumpPci},
    {"gpu-copy"sv, DebugGpuCopy},
    {"test-scene"sv, DebugTestScene},
    {"full-present"sv, DebugFullPresent},
    {"frame-times"sv, DebugFrameTimes},
    {"gpu-fault"sv, DebugGpuFault},
    {"gpu-fault-setup"sv, DebugGpuFaultSetup},
    {"present-only"sv, DebugPresentOnly},
    {"journal-test"sv, DebugJournalTest},
    {"fault-stack-overflow"sv, DebugFaultStackOverflow},
    {"fault-null"sv, DebugFaultNull},
    {"fault-write-text"sv, DebugFaultWriteText},
    {"fault-exec-data"sv, DebugFaultExecData},
    {"fault-on-ap"sv, DebugFaultOnAp},
    {"dump-memory-map"sv, DebugDumpMemoryMap},
    {"virgl-fault"sv, DebugVirglFault},
    {"dump-capset"sv, DebugDumpCapset},
    {"virgl-no-flush"sv, DebugVirglNoFlush},
};

constexpr uint32_t max_fps = 1000;
constexpr uint32_t max_cpus = 1024;

// A diagnostic quotes at most this much of what the user wrote, so an over-long
// line cannot flood the serial log.
constexpr size_t max_quoted = 40;

// Where a setting came from, for the diagnostic.
struct Origin {
    bool from_file;
    size_t line;
};

// Appends to a fixed buffer, truncating, always NUL-terminated.
class LineWriter {
public:
    LineWriter(char* buffer, size_t capacity)
        : m_buffer(buffer)
        , m_capacity(capacity)
    {
        if (m_capacity > 0)
            m_buffer[0] = '\0';
    }

    void append(char c)
    {
        if (m_length + 1 >= m_capacity)
            return;
        m_buffer[m_length++] = c;
        m_buffer[m_length] = '\0';
    }
    void append(StringView text)
    {
        for (char c : text)
            append(c);
    }
    void append_decimal(uint64_t value)
    {
        char digits[20];
        size_t count = 0;
        do {
            digits[count++] = static_cast<char>('0' + value % 10);
            value /= 10;
        } while (value != 0);
        while (count > 0)
            append(digits[--count]);
    }
    void append_hex(uint64_t value)
    {
        append("0x"sv);
        bool started = false;
        for (int shift = 60; shift >= 0; shift -= 4) {
            unsigned digit = static_cast<unsigned>(value >> shift) & 0xf;
            if (digit == 0 && !started && shift != 0)
                continue;
            started = true;
            append("0123456789abcdef"[digit]);
        }
    }
    // User text in quotes, cut to max_quoted characters, with anything that is
    // not printable ASCII (a NUL, an escape sequence) shown as '?'.
    void append_quoted(StringView text)
    {
        append('"');
        for (size_t i = 0; i < text.size() && i < max_quoted; ++i) {
            char c = text[i];
            append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (text.size() > max_quoted)
            append("..."sv);
        append('"');
    }
    size_t length() const { return m_length; }

private:
    char* m_buffer;
    size_t m_capacity;
    size_t m_length {0};
};

// Like rota::trim, but a NUL counts as blank too: a file padded with zeros to a
// cluster boundary then simply ends in blank lines.
StringView trim_blank(StringView text)
{
    auto is_blank = [](char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'
            || c == '\0';
    };
    while (!text.empty() && is_blank(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_blank(text.back()))
        text.remove_suffix(1);
    return text;
}

// StringView::find would call memchr, which the kernel does not provide.
size_t find_char(StringView text, char wanted)
{
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == wanted)
            return i;
    }
    return StringView::npos;
}

std::optional<Key> find_key(StringView name)
{
    for (const KeyName& entry : key_names) {
        if (entry.name == name)
            return entry.key;
    }
    return std::nullopt;
}

StringView key_name(Key key)
{
    for (const KeyName& entry : key_names) {
        if (entry.key == key)
            return entry.name;
    }
    return "?"sv;
}

// Unsigned decimal: digits only (no sign, no blanks), no overflow.
std::optional<uint64_t> parse_decimal(StringView text)
{
    if (text.empty())
        return std::nullopt;
    uint64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        unsigned digit = static_cast<unsigned>(c - '0');
        if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10)
            return std::nullopt;
        value = value * 10 + digit;
    }
    return value;
}

// Decimal, or hexadecimal after "0x"/"0X".
std::optional<uint64_t> parse_number(StringView text)
{
    if (text.size() < 2 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
        return parse_decimal(text);
    text.remove_prefix(2);
    if (text.empty())
        return std::nullopt;
    uint64_t value = 0;
    for (char c : text) {
        unsigned digit;
        if (c >= '0' && c <= '9')
            digit = static_cast<unsigned>(c - '0');
        else if (c >= 'a' && c <= 'f')
            digit = static_cast<unsigned>(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            digit = static_cast<unsigned>(c - 'A' + 10);
        else
            return std::nullopt;
        if ((value >> 60) != 0)
            return std::nullopt;
        value = (value << 4) | digit;
    }
    return value;
}

std::optional<uint32_t> parse_bounded(StringView text, uint32_t low, uint32_t high)
{
    std::optional<uint64_t> value = parse_decimal(text);
    if (!value.has_value() || *value < low || *value > high)
        return std::nullopt;
    return static_cast<uint32_t>(*value);
}

std::optional<bool> parse_switch(StringView text)
{
    if (text == "on"sv)
        return true;
    if (text == "off"sv)
        return false;
    return std::nullopt;
}

std::optional<VideoChoice> parse_video(StringView text)
{
    if (text == "auto"sv)
        return VideoChoice::Auto;
    if (text == "virgl"sv)
        return VideoChoice::Virgl;
    if (text == "virtio"sv)
        return VideoChoice::Virtio;
    if (text == "gop"sv)
        return VideoChoice::Gop;
    return std::nullopt;
}

// WxH, with 'x' or 'X' between the sides.
std::optional<DisplayMode> parse_mode(StringView text)
{
    size_t separator = find_char(text, 'x');
    if (separator == StringView::npos)
        separator = find_char(text, 'X');
    if (separator == StringView::npos)
        return std::nullopt;
    std::optional<uint32_t> width
        = parse_bounded(slice(text, 0, separator), min_mode_side, max_mode_side);
    std::optional<uint32_t> height
        = parse_bounded(slice(text, separator + 1), min_mode_side, max_mode_side);
    if (!width.has_value() || !height.has_value())
        return std::nullopt;
    return DisplayMode {*width, *height};
}

// "none", or flag names separated by commas (blanks around a name allowed).
std::optional<uint32_t> parse_debug(StringView text)
{
    if (text == "none"sv)
        return 0u;
    uint32_t flags = 0;
    for (;;) {
        size_t comma = find_char(text, ',');
        StringView item = trim_blank(slice(text, 0, comma));
        bool known = false;
        for (const DebugName& entry : debug_names) {
            if (entry.name == item) {
                flags |= entry.flag;
                known = true;
            }
        }
        if (!known)
            return std::nullopt;
        if (comma == StringView::npos)
            return flags;
        text = slice(text, comma + 1);
    }
}

// Parses `value` for `key` into `config`; leaves `config` untouched and returns
// false when the value is bad.
bool apply_value(Config& config, Key key, StringView value)
{
    switch (key) {
    case Key::Video:
        if (auto video = parse_video(value)) {
            config.video = *video;
            return true;
        }
        return false;
    case Key::Mode:
        if (value == "preferred"sv) {
            config.mode.reset();
            return true;
        }
        if (auto mode = parse_mode(value)) {
            config.mode = *mode;
            return true;
        }
        return false;
    case Key::Frames:
        if (auto frames = parse_decimal(value)) {
            config.frames = *frames;
            return true;
        }
        return false;
    case Key::Seed:
        if (value == "tsc"sv) {
            config.seed.reset();
            return true;
        }
        if (auto seed = parse_number(value)) {
            config.seed = *seed;
            return true;
        }
        return false;
    case Key::Fps:
        if (auto fps = parse_bounded(value, 0, max_fps)) {
            config.fps = *fps;
            return true;
        }
        return false;
    case Key::Cpus:
        if (value == "all"sv) {
            config.cpus.reset();
            return true;
        }
        if (auto cpus = parse_bounded(value, 1, max_cpus)) {
            config.cpus = *cpus;
            return true;
        }
        return false;
    case Key::Debug:
        if (auto debug = parse_debug(value)) {
            config.debug = *debug;
            return true;
        }
        return false;
    case Key::Gate:
    case Key::Perframe:
    case Key::Journal: {
        std::optional<bool> on = parse_switch(value);
        if (!on.has_value())
            return false;
        bool& field = key == Key::Gate ? config.gate
            : key == Key::Perframe     ? config.perframe
                                       : config.journal;
        field = *on;
        return true;
    }
    }
    return false;
}

// The current value of `key`, in the syntax the file would use.
void append_value(LineWriter& out, const Config& config, Key key)
{
    auto append_switch = [&](bool on) { out.append(on ? "on"sv : "off"sv); };
    switch (key) {
    case Key::Video:
        out.append(config.video == VideoChoice::Virgl ? "virgl"sv
                : config.video == VideoChoice::Virtio ? "virtio"sv
                : config.video == VideoChoice::Gop    ? "gop"sv
                                                      : "auto"sv);
        return;
    case Key::Mode:
        if (!config.mode.has_value()) {
            out.append("preferred"sv);
            return;
        }
        out.append_decimal(config.mode->width);
        out.append('x');
        out.append_decimal(config.mode->height);
        return;
    case Key::Frames:
        out.append_decimal(config.frames);
        return;
    case Key::Gate:
        append_switch(config.gate);
        return;
    case Key::Seed:
        if (config.seed.has_value())
            out.append_decimal(*config.seed);
        else
            out.append("tsc"sv);
        return;
    case Key::Perframe:
        append_switch(config.perframe);
        return;
    case Key::Fps:
        out.append_decimal(config.fps);
        return;
    case Key::Cpus:
        if (config.cpus.has_value())
            out.append_decimal(*config.cpus);
        else
            out.append("all"sv);
        return;
    case Key::Journal:
        append_switch(config.journal);
        return;
    case Key::Debug: {
        if (config.debug == 0) {
            out.append("none"sv);
            return;
        }
        uint32_t unnamed = config.debug;
        bool first = true;
        for (const DebugName& entry : debug_names) {
            if ((config.debug & entry.flag) == 0)
                continue;
            if (!first)
                out.append(',');
            out.append(entry.name);
            first = false;
            unnamed &= ~entry.flag;
        }
        // Bits without a name can only be set by code, not by the file; show
        // them rather than hide them.
        if (unnamed != 0) {
            if (!first)
                out.append(',');
            out.append_hex(unnamed);
        }
        return;
    }
    }
}

void append_origin(LineWriter& out, Origin origin)
{
    if (!origin.from_file) {
        out.append("(load options)"sv);
        return;
    }
    out.append("(rota.cfg line "sv);
    out.append_decimal(origin.line);
    out.append(')');
}

constexpr size_t diagnostic_capacity = 256;

void apply_setting(
    Config& config, StringView name, StringView value, Origin origin, DiagnosticSink& sink)
{
    char line[diagnostic_capacity];
    LineWriter out(line, sizeof line);
    std::optional<Key> key = find_key(name);
    if (!key.has_value()) {
        out.append("[config] unknown key "sv);
        out.append_quoted(name);
        out.append(' ');
        append_origin(out, origin);
        out.append(", ignored"sv);
        sink.report(line);
        return;
    }
    if (apply_value(config, *key, value))
        return;
    out.append("[config] bad value "sv);
    out.append_quoted(value);
    out.append(" for key \""sv);
    out.append(key_name(*key));
    out.append("\" "sv);
    append_origin(out, origin);
    out.append(", keeping "sv);
    append_value(out, config, *key);
    sink.report(line);
}

void apply_file_line(Config& config, StringView line, size_t line_number, DiagnosticSink& sink)
{
    size_t hash = find_char(line, '#');
    if (hash != StringView::npos)
        line = slice(line, 0, hash);
    line = trim_blank(line);
    if (line.empty())
        return;
    size_t equals = find_char(line, '=');
    if (equals == StringView::npos) {
        char message[diagnostic_capacity];
        LineWriter out(message, sizeof message);
        out.append("[config] line "sv);
        out.append_decimal(line_number);
        out.append(" has no '=' (rota.cfg), ignored"sv);
        sink.report(message);
        return;
    }
    apply_setting(config, trim_blank(slice(line, 0, equals)), trim_blank(slice(line, equals + 1)),
        Origin {true, line_number}, sink);
}

bool is_option_separator(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0';
}

} // namespace

void apply_config_file(Config& config, StringView text, DiagnosticSink& sink)
{
    // Editors on Windows may start a UTF-8 file with a byte order mark.
    constexpr StringView byte_order_mark = "\xEF\xBB\xBF"sv;
    if (slice(text, 0, byte_order_mark.size()) == byte_order_mark)
        text.remove_prefix(byte_order_mark.size());

    for (size_t line_number = 1;; ++line_number) {
        size_t newline = find_char(text, '\n');
        apply_file_line(config, slice(text, 0, newline), line_number, sink);
        if (newline == StringView::npos)
            return;
        text = slice(text, newline + 1);
    }
}

void apply_load_options(Config& config, StringView options, DiagnosticSink& sink)
{
    while (!options.empty()) {
        if (is_option_separator(options.front())) {
            options.remove_prefix(1);
            continue;
        }
        size_t end = 0;
        while (end < options.size() && !is_option_separator(options[end]))
            ++end;
        StringView token = slice(options, 0, end);
        options = slice(options, end);
        size_t equals = find_char(token, '=');
        if (equals == StringView::npos)
            continue;
        apply_setting(
            config, slice(token, 0, equals), slice(token, equals + 1), Origin {false, 0}, sink);
    }
}

size_t describe_config(const Config& config, char* buffer, size_t capacity)
{
    LineWriter out(buffer, capacity);
    out.append("[config]"sv);
    for (const KeyName& entry : key_names) {
        out.append(' ');
        out.append(entry.name);
        out.append('=');
        append_value(out, config, entry.key);
    }
    return out.length();
}

} // namespace rota
