#include <vector>

#include "core/lib/ucs2.h"
#include "fuzz_target.h"
#include "support/fuzz_input.h"

// UCS-2 from the firmware (UEFI 2.10 section 2.3.1, CHAR16): load options and
// the firmware vendor string. Both conversions stay inside their buffers,
// NUL-terminate, and emit only what rota's log can print.
//
// Input: the output buffer's capacity (1 byte), then UCS-2 units.
ROTA_FUZZ_TARGET(ucs2)
{
    rota::fuzz::FuzzInput input(data);
    size_t capacity = input.take<uint8_t>(); // 0 included: the conversions must cope
    std::vector<uint16_t> text = rota::fuzz::as_units(input.rest());
    size_t units = text.size();
    // Heap buffers of the exact capacity, so ASan sees any write past it.
    std::vector<char> out(capacity);

    auto strict = rota::ucs2_to_ascii_strict(text.data(), units, out.data(), capacity);
    if (capacity == 0) {
        FUZZ_CHECK(strict.is_error());
    } else if (strict.has_value()) {
        FUZZ_CHECK(strict.value() < capacity);
        FUZZ_CHECK(out[strict.value()] == '\0');
        for (size_t i = 0; i < strict.value(); ++i)
            FUZZ_CHECK(out[i] != '\0');
    } else {
        FUZZ_CHECK(out[0] == '\0');
    }

    size_t lossy = rota::ucs2_to_ascii_lossy(text.data(), units, out.data(), capacity);
    if (capacity == 0) {
        FUZZ_CHECK(lossy == 0);
        return;
    }
    FUZZ_CHECK(lossy < capacity);
    FUZZ_CHECK(out[lossy] == '\0');
    for (size_t i = 0; i < lossy; ++i) {
        auto c = static_cast<unsigned char>(out[i]);
        FUZZ_CHECK((c >= 0x20 && c < 0x7f) || c == '\t' || c == '\r' || c == '\n');
    }
}
