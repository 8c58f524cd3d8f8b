#pragma once

// One fuzz target: an entry function over bytes rota does not control. Each
// target file defines exactly one with ROTA_FUZZ_TARGET(name); the same file is
// linked twice:
//   - into its own libFuzzer binary, fuzz_<name> (tests/fuzz/fuzz_main.cpp),
//     built with clang and ASan + UBSan, which tests/run runs for a bounded time;
//   - into the GoogleTest host tests (tests/host/fuzz_replay_test.cpp), which
//     replay every checked-in seed and regression input through the same
//     function, so a fixed bug stays fixed on a machine without clang.
//
// An entry never returns an error: bad input is the point. It fails by
// crashing (a sanitizer report, a ROTA_ASSERT reached by device input) or by
// FUZZ_CHECK, which states what the decoder promises about its output.

#include <cstddef>
#include <cstdint>
#include <span>

namespace rota::fuzz {

using Entry = void (*)(std::span<const uint8_t> data);

// Links itself into the list of targets (static initialisation, no heap).
struct Registration {
    Registration(const char* target_name, Entry target_entry);

    const char* name;
    Entry entry;
    const Registration* next;
};

// Every target linked into this binary, most recently registered first.
const Registration* registered_targets();

// A FUZZ_CHECK that failed. libFuzzer's binary prints and aborts (a crash,
// with the input saved); the GoogleTest replay records a test failure.
void check_failed(const char* expression, const char* file, int line);

} // namespace rota::fuzz

#define FUZZ_CHECK(expression)                                                                     \
    do {                                                                                           \
        if (!(expression)) [[unlikely]]                                                            \
            ::rota::fuzz::check_failed(#expression, __FILE__, __LINE__);                           \
    } while (0)

#define ROTA_FUZZ_TARGET(target_name)                                                              \
    static void rota_fuzz_entry_##target_name(std::span<const uint8_t> data);                      \
    static const ::rota::fuzz::Registration rota_fuzz_registration_##target_name {                 \
        #target_name, rota_fuzz_entry_##target_name};                                              \
    static void rota_fuzz_entry_##target_name(std::span<const uint8_t> data)
