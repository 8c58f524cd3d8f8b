#pragma once

#include <cstdint>
#include <span>

#include "core/config/config.h"
#include "core/lib/text_builder.h"

// The configuration's keys as data (docs/configuration.md). One ConfigKey row
// per key says which Config field the key sets, how its value is spelt and
// how it is printed back, so reading a file, reading load options, the
// "keeping ..." of a diagnostic and the "[config] ..." summary all follow the
// same row. A new key is a field in Config and one row in config_keys.cpp,
// made with one of the syntaxes in key_syntax.h.

namespace rota {

// A word that stands for a value: a choice ("gop") or a flag ("fault-pf").
struct NamedValue {
    StringView name;
    uint32_t value;
};

struct ConfigKey {
    StringView name;
    // Sets the key's field from `text`. Returns false and leaves `config`
    // untouched when `text` is not a value this key takes.
    bool (*parse)(const ConfigKey& key, Config& config, StringView text);
    // Appends the field's current value, spelt as the file would spell it.
    void (*print)(const ConfigKey& key, const Config& config, TextBuilder& out);

    // The syntax's parameters; each syntax in key_syntax.h says which it reads.
    uint64_t low {0};
    uint64_t high {0};
    bool hex {false}; // a number may also be written in hexadecimal, after 0x
    StringView unset {}; // the word for an optional field that is not set
    std::span<const NamedValue> names {}; // the words of a choice or a flag list
};

// Every key, in the order describe_config prints them.
std::span<const ConfigKey> config_keys();
// The key called `name` (names are case-sensitive), or nullptr.
const ConfigKey* find_config_key(StringView name);

} // namespace rota
