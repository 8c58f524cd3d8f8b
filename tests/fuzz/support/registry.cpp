#include "fuzz_target.h"

namespace rota::fuzz {

namespace {

// constinit: registrations run during static initialisation, in any order
// across files, and must find the list already empty rather than unset.
constinit const Registration* g_targets = nullptr;

} // namespace

Registration::Registration(const char* target_name, Entry target_entry)
    : name(target_name)
    , entry(target_entry)
    , next(g_targets)
{
    g_targets = this;
}

const Registration* registered_targets()
{
    return g_targets;
}

} // namespace rota::fuzz
