#pragma once

#include <limits>

#include "core/config/config_keys.h"
#include "core/lib/expected.h"

// The value syntaxes a configuration key can have (the *_key makers at the
// end), and the typed parse and print functions each one puts into a row.
// Every syntax takes the Config member its key sets as a template argument,
// so a row in config_keys.cpp names its field once and nothing else in the
// parser knows the field.

namespace rota {

// How the syntaxes read and write text, apart from the field they touch.
namespace config_syntax {

// Like rota::trim, but a NUL counts as blank too: a file padded with zeros to a
// cluster boundary then simply ends in blank lines.
StringView trim_blank(StringView text);

Expected<bool> read_on_off(StringView text);
void write_on_off(bool on, TextBuilder& out);
// A number in [key.low, key.high]; hexadecimal too if key.hex.
Expected<uint64_t> read_number(const ConfigKey& key, StringView text);
// WxH, with 'x' or 'X' between the sides, each within the mode bounds.
Expected<DisplayMode> read_mode(StringView text);
void write_mode(DisplayMode mode, TextBuilder& out);
// One of key.names.
Expected<uint32_t> read_choice(const ConfigKey& key, StringView text);
void write_choice(const ConfigKey& key, uint32_t value, TextBuilder& out);
// "none", or names from key.names separated by commas (blanks around a name
// allowed); the bits of the named flags.
Expected<uint32_t> read_flags(const ConfigKey& key, StringView text);
void write_flags(const ConfigKey& key, uint32_t flags, TextBuilder& out);

// The type of the Config member that `field` points to.
template<class Member>
struct MemberOf;
template<class T>
struct MemberOf<T Config::*> {
    using Type = T;
};
template<auto field>
using FieldType = typename MemberOf<decltype(field)>::Type;

template<auto field>
bool on_off_parse(const ConfigKey&, Config& config, StringView text)
{
    Expected<bool> on = read_on_off(text);
    if (on.is_error())
        return false;
    config.*field = on.value();
    return true;
}

template<auto field>
void on_off_print(const ConfigKey&, const Config& config, TextBuilder& out)
{
    write_on_off(config.*field, out);
}

template<auto field>
bool number_parse(const ConfigKey& key, Config& config, StringView text)
{
    Expected<uint64_t> value = read_number(key, text);
    if (value.is_error())
        return false;
    config.*field = FieldType<field>(value.value());
    return true;
}

template<auto field>
void number_print(const ConfigKey&, const Config& config, TextBuilder& out)
{
    out.appendf("%lu", uint64_t(config.*field));
}

template<auto field>
bool number_or_unset_parse(const ConfigKey& key, Config& config, StringView text)
{
    if (text == key.unset) {
        (config.*field).reset();
        return true;
    }
    Expected<uint64_t> value = read_number(key, text);
    if (value.is_error())
        return false;
    config.*field = typename FieldType<field>::value_type(value.value());
    return true;
}

template<auto field>
void number_or_unset_print(const ConfigKey& key, const Config& config, TextBuilder& out)
{
    if ((config.*field).has_value())
        out.appendf("%lu", uint64_t(*(config.*field)));
    else
        out.append(key.unset);
}

template<auto field>
bool mode_or_unset_parse(const ConfigKey& key, Config& config, StringView text)
{
    if (text == key.unset) {
        (config.*field).reset();
        return true;
    }
    Expected<DisplayMode> mode = read_mode(text);
    if (mode.is_error())
        return false;
    config.*field = mode.value();
    return true;
}

template<auto field>
void mode_or_unset_print(const ConfigKey& key, const Config& config, TextBuilder& out)
{
    if ((config.*field).has_value())
        write_mode(*(config.*field), out);
    else
        out.append(key.unset);
}

template<auto field>
bool choice_parse(const ConfigKey& key, Config& config, StringView text)
{
    Expected<uint32_t> value = read_choice(key, text);
    if (value.is_error())
        return false;
    config.*field = FieldType<field>(value.value());
    return true;
}

template<auto field>
void choice_print(const ConfigKey& key, const Config& config, TextBuilder& out)
{
    write_choice(key, uint32_t(config.*field), out);
}

template<auto field>
bool flags_parse(const ConfigKey& key, Config& config, StringView text)
{
    Expected<uint32_t> flags = read_flags(key, text);
    if (flags.is_error())
        return false;
    config.*field = flags.value();
    return true;
}

template<auto field>
void flags_print(const ConfigKey& key, const Config& config, TextBuilder& out)
{
    write_flags(key, config.*field, out);
}

} // namespace config_syntax

// The row makers, one per syntax.

// "on" or "off", for a bool.
template<bool Config::*field>
constexpr ConfigKey on_off_key(StringView name)
{
    return {name, config_syntax::on_off_parse<field>, config_syntax::on_off_print<field>};
}

// A decimal number from `low` to `high`, for an unsigned integer.
template<auto field>
constexpr ConfigKey number_key(StringView name, config_syntax::FieldType<field> low = 0,
    config_syntax::FieldType<field> high
    = std::numeric_limits<config_syntax::FieldType<field>>::max())
{
    return {
        name, config_syntax::number_parse<field>, config_syntax::number_print<field>, low, high};
}

// The word `unset`, or a number from `low` to `high` (hexadecimal after 0x
// too when `hex`), for a std::optional unsigned integer. The number is printed
// in decimal.
template<auto field>
constexpr ConfigKey number_or_unset_key(StringView name, StringView unset,
    typename config_syntax::FieldType<field>::value_type low,
    typename config_syntax::FieldType<field>::value_type high, bool hex = false)
{
    return {name, config_syntax::number_or_unset_parse<field>,
        config_syntax::number_or_unset_print<field>, low, high, hex, unset};
}

// The word `unset`, or WxH, for a std::optional<DisplayMode>.
template<auto field>
constexpr ConfigKey mode_or_unset_key(StringView name, StringView unset)
{
    return {name, config_syntax::mode_or_unset_parse<field>,
        config_syntax::mode_or_unset_print<field>, 0, 0, false, unset};
}

// One of `names`, for an enum whose values the names carry.
template<auto field>
constexpr ConfigKey choice_key(StringView name, std::span<const NamedValue> names)
{
    return {name, config_syntax::choice_parse<field>, config_syntax::choice_print<field>, 0, 0,
        false, {}, names};
}

// "none", or a comma-separated list of `names`, for a uint32_t of flag bits.
template<uint32_t Config::*field>
constexpr ConfigKey flags_key(StringView name, std::span<const NamedValue> names)
{
    return {name, config_syntax::flags_parse<field>, config_syntax::flags_print<field>, 0, 0, false,
        {}, names};
}

} // namespace rota
