#pragma once

#include <cstdint>

// Integer helpers for the anti-aliased canvas: an integer square root (used
// once per row, never per pixel) and divisions that round the way the row
// solvers need. Header-only and constexpr so tests can check them at compile
// time.

namespace rota {

// floor(sqrt(value)) for value >= 0 (0 for negative input).
constexpr uint64_t isqrt(int64_t value)
{
    if (value <= 0)
        return 0;
    auto n = static_cast<uint64_t>(value);
    // Bit by bit, high to low: 32 iterations of shifts and adds, no division.
    uint64_t root = 0;
    uint64_t bit = uint64_t(1) << 62;
    while (bit > n)
        bit >>= 2;
    while (bit != 0) {
        if (n >= root + bit) {
            n -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    return root;
}

constexpr int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

constexpr int64_t ceil_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) == (b < 0))) ? q + 1 : q;
}

constexpr int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

} // namespace rota
