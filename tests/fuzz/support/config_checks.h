#pragma once

#include <cstring>

#include "core/config/config.h"
#include "fuzz_target.h"
#include "support/checking_sink.h"

namespace rota::fuzz {

// What any parsed configuration must satisfy, whatever text produced it: the
// values are ones the parser accepts, and the "[config] ..." line describing
// it reads back, as load options, to a configuration described by the same
// line (the line names every key, so equal lines are equal settings).
inline void check_config(const Config& config)
{
    if (config.mode.has_value())
        FUZZ_CHECK(mode_valid(*config.mode));
    if (config.cpus.has_value())
        FUZZ_CHECK(*config.cpus >= 1);

    char line[512];
    size_t length = describe_config(config, line, sizeof line);
    FUZZ_CHECK(length < sizeof line - 1); // never cut: every value has a bounded spelling
    Config reread;
    CheckingSink sink;
    apply_load_options(reread, StringView(line, length), sink);
    FUZZ_CHECK(sink.lines == 0);
    char again[512];
    size_t again_length = describe_config(reread, again, sizeof again);
    FUZZ_CHECK(again_length == length && std::memcmp(line, again, length) == 0);
}

} // namespace rota::fuzz
