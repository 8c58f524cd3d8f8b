#include "core/config/config.h"

#include "core/config/key_syntax.h"
#include "core/lib/text_builder.h"

// docs/configuration.md. Reading the file and the load options, and the lines
// that report their mistakes; what each key accepts is its row in
// config_keys.cpp. The parser never allocates and never trusts its input: the
// file comes from a FAT volume a user edits by hand, so any byte may appear,
// and every line it writes is bounded.

namespace rota {

namespace {

using namespace std::string_view_literals;
using config_syntax::trim_blank;

// A diagnostic quotes at most this much of what the user wrote, so an over-long
// line cannot flood the serial log.
constexpr size_t max_quoted = 40;

// Where a setting came from, for the diagnostic.
struct Origin {
    bool from_file;
    size_t line;
};

// User text in quotes, cut to max_quoted characters, with anything that is not
// printable ASCII (a NUL, an escape sequence) shown as '?'.
void append_quoted(TextBuilder& out, StringView text)
{
    out.append('"');
    for (size_t i = 0; i < text.size() && i < max_quoted; ++i) {
        char c = text[i];
        out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    if (text.size() > max_quoted)
        out.append("..."sv);
    out.append('"');
}

void append_origin(TextBuilder& out, Origin origin)
{
    if (origin.from_file)
        out.appendf("(rota.cfg line %zu)", origin.line);
    else
        out.append("(load options)"sv);
}

void apply_setting(
    Config& config, StringView name, StringView value, Origin origin, DiagnosticSink& sink)
{
    char line[DiagnosticSink::max_line];
    TextBuilder out(line, sizeof line);
    const ConfigKey* key = find_config_key(name);
    if (key == nullptr) {
        out.append("[config] unknown key "sv);
        append_quoted(out, name);
        out.append(' ');
        append_origin(out, origin);
        out.append(", ignored"sv);
        sink.report(line);
        return;
    }
    if (key->parse(*key, config, value))
        return;
    out.append("[config] bad value "sv);
    append_quoted(out, value);
    out.append(" for key \""sv);
    out.append(key->name);
    out.append("\" "sv);
    append_origin(out, origin);
    out.append(", keeping "sv);
    key->print(*key, config, out);
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
        char message[DiagnosticSink::max_line];
        TextBuilder out(message, sizeof message);
        out.appendf("[config] line %zu has no '=' (rota.cfg), ignored", line_number);
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

StringView drop_cut_option(StringView options)
{
    while (!options.empty() && !is_option_separator(options.back()))
        options.remove_suffix(1);
    return options;
}

size_t describe_config(const Config& config, char* buffer, size_t capacity)
{
    TextBuilder out(buffer, capacity);
    out.append("[config]"sv);
    for (const ConfigKey& key : config_keys()) {
        out.append(' ');
        out.append(key.name);
        out.append('=');
        key.print(key, config, out);
    }
    return out.length();
}

} // namespace rota
