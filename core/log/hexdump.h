#pragma once

#include <cstddef>

// Dumps bytes to the log as "[dump] <label> <offset>: <16 hex bytes>" lines, for
// capturing firmware tables and configuration spaces as test fixtures
// (tests/fixtures/capture.py turns the lines back into binary files). A
// "[dump] <label> begin length=N" line comes first and "[dump] <label> end"
// last, so a truncated dump is recognisable.

namespace rota {

void log_hexdump(const char* label, const void* data, size_t length);

} // namespace rota
