#include <vector>

#include "core/config/config.h"
#include "core/lib/ucs2.h"
#include "fuzz_target.h"
#include "support/checking_sink.h"
#include "support/config_checks.h"
#include "support/fuzz_input.h"

// The image's UEFI load options (EFI_LOADED_IMAGE_PROTOCOL.LoadOptions, UEFI
// 2.10 section 9.1): whatever the boot entry or the shell passed, as UCS-2.
// efi/config_source.cpp converts them strictly (binary optional data is
// refused) and applies the text; this does the same, with a buffer the size
// of the options, so ASan sees a conversion that writes past what it was given.
ROTA_FUZZ_TARGET(load_options)
{
    std::vector<uint16_t> text = rota::fuzz::as_units(data);
    std::vector<char> ascii(text.size() + 1);
    auto converted
        = rota::ucs2_to_ascii_strict(text.data(), text.size(), ascii.data(), ascii.size());
    if (converted.is_error())
        return;
    FUZZ_CHECK(converted.value() < ascii.size());
    FUZZ_CHECK(ascii[converted.value()] == '\0');
    rota::Config config;
    rota::fuzz::CheckingSink sink;
    rota::apply_load_options(config, rota::StringView(ascii.data(), converted.value()), sink);
    rota::fuzz::check_config(config);
}
