#include "core/lib/assert.h"

#include <cstdio>
#include <cstdlib>

// The hosted assertion handler: print and abort, so a broken invariant fails the
// GoogleTest run loudly (death tests can match the message).
namespace rota {
[[noreturn]] void assertion_failed(const char* expression, const char* file, int line)
{
    std::fprintf(stderr, "ASSERTION FAILED: %s at %s:%d\n", expression, file, line);
    std::abort();
}
} // namespace rota
