#include "core/config/config.h"
#include "fuzz_target.h"
#include "support/checking_sink.h"
#include "support/config_checks.h"

// rota.cfg as a user's editor left it (README.md "Configuration"): any bytes at all.
ROTA_FUZZ_TARGET(config_file)
{
    rota::Config config;
    rota::fuzz::CheckingSink sink;
    rota::apply_config_file(
        config, rota::StringView(reinterpret_cast<const char*>(data.data()), data.size()), sink);
    rota::fuzz::check_config(config);
}
