#include "core/config/key_syntax.h"
#include "core/lib/parse_number.h"

// The text of the value syntaxes in key_syntax.h. Every reader is strict (the
// whole text or nothing) and none trusts its input: a value is whatever bytes
// the user's file or the boot manager held.

namespace rota::config_syntax {

namespace {

using namespace std::string_view_literals;

Expected<uint32_t> read_side(StringView text)
{
    uint64_t side = TRY(parse_decimal(text));
    if (side < min_mode_side || side > max_mode_side)
        return make_error(Error::InvalidArgument);
    return uint32_t(side);
}

} // namespace

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

Expected<bool> read_on_off(StringView text)
{
    if (text == "on"sv)
        return true;
    if (text == "off"sv)
        return false;
    return make_error(Error::InvalidArgument);
}

void write_on_off(bool on, TextBuilder& out)
{
    out.append(on ? "on"sv : "off"sv);
}

Expected<uint64_t> read_number(const ConfigKey& key, StringView text)
{
    uint64_t value = TRY(key.hex ? parse_number(text) : parse_decimal(text));
    if (value < key.low || value > key.high)
        return make_error(Error::InvalidArgument);
    return value;
}

Expected<DisplayMode> read_mode(StringView text)
{
    size_t separator = find_char(text, 'x');
    if (separator == StringView::npos)
        separator = find_char(text, 'X');
    if (separator == StringView::npos)
        return make_error(Error::InvalidArgument);
    uint32_t width = TRY(read_side(slice(text, 0, separator)));
    uint32_t height = TRY(read_side(slice(text, separator + 1)));
    return DisplayMode {width, height};
}

void write_mode(DisplayMode mode, TextBuilder& out)
{
    out.appendf("%ux%u", mode.width, mode.height);
}

Expected<uint32_t> read_choice(const ConfigKey& key, StringView text)
{
    for (const NamedValue& choice : key.names) {
        if (choice.name == text)
            return choice.value;
    }
    return make_error(Error::InvalidArgument);
}

void write_choice(const ConfigKey& key, uint32_t value, TextBuilder& out)
{
    for (const NamedValue& choice : key.names) {
        if (choice.value == value) {
            out.append(choice.name);
            return;
        }
    }
    // Only code can store a value without a name; show it rather than hide it.
    out.appendf("%u", value);
}

Expected<uint32_t> read_flags(const ConfigKey& key, StringView text)
{
    if (text == "none"sv)
        return 0u;
    uint32_t flags = 0;
    for (;;) {
        size_t comma = find_char(text, ',');
        StringView item = trim_blank(slice(text, 0, comma));
        flags |= TRY(read_choice(key, item));
        if (comma == StringView::npos)
            return flags;
        text = slice(text, comma + 1);
    }
}

void write_flags(const ConfigKey& key, uint32_t flags, TextBuilder& out)
{
    if (flags == 0) {
        out.append("none"sv);
        return;
    }
    uint32_t unnamed = flags;
    bool first = true;
    for (const NamedValue& flag : key.names) {
        if ((flags & flag.value) == 0)
            continue;
        if (!first)
            out.append(',');
        out.append(flag.name);
        first = false;
        unnamed &= ~flag.value;
    }
    // Bits without a name can only be set by code, not by the file; show
    // them rather than hide them.
    if (unnamed != 0)
        out.appendf(first ? "0x%x" : ",0x%x", unnamed);
}

} // namespace rota::config_syntax
