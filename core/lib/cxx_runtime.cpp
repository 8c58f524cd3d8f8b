// What the C++ compiler expects from a runtime, for a kernel without one.

#include "core/lib/assert.h"

extern "C" {

// A call through a pure virtual function is a bug in rota: report it.
__attribute__((visibility("default"))) void __cxa_pure_virtual()
{
    ::rota::assertion_failed("pure virtual function called", __FILE__, __LINE__);
}

// -fno-use-cxa-atexit keeps static destructors from registering; the kernel
// never exits, so none would run anyway.
__attribute__((visibility("default"))) void* __dso_handle = nullptr;

} // extern "C"
