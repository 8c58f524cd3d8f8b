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
// refused) into a 1024-byte buffer and applies the text; this does the same.
ROTA_FUZZ_TARGET(load_options)
{
    std::vector<uint16_t> text = rota::fuzz::as_units(data);
    char ascii[1024];
    auto converted = rota::ucs2_to_ascii_strict(text.data(), text.size(), ascii, sizeof ascii);
    if (converted.is_error())
        return;
    FUZZ_CHECK(converted.value() < sizeof ascii);
    FUZZ_CHECK(ascii[converted.value()] == '\0');
    rota::Config config;
    rota::fuzz::CheckingSink sink;
    rota::apply_load_options(config, rota::StringView(ascii, converted.value()), sink);
    rota::fuzz::check_config(config);
}
