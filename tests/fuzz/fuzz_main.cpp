#include <cstdio>
#include <cstdlib>

#include "fuzz_target.h"

// libFuzzer's entry point (llvm.org/docs/LibFuzzer.html) for a binary that
// links exactly one target file: every input goes to that target's entry.

namespace rota::fuzz {

void check_failed(const char* expression, const char* file, int line)
{
    std::fprintf(stderr, "FUZZ_CHECK failed: %s at %s:%d\n", expression, file, line);
    std::abort();
}

} // namespace rota::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const rota::fuzz::Registration* target = rota::fuzz::registered_targets();
    if (target == nullptr || target->next != nullptr) {
        std::fprintf(stderr, "a fuzz binary must link exactly one target\n");
        std::abort();
    }
    target->entry(std::span<const uint8_t>(data, size));
    return 0;
}
