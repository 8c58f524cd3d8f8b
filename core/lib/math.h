#pragma once

// The few transcendental functions rota needs, without libm: the kernel links
// no C library. Accurate to about 1e-7 (atan2) and 1e-9 (sin, cos) over their
// whole domain, which is far below a pixel at any screen size. sqrt is the
// SSE2 instruction (the build uses -fno-math-errno so GCC emits it inline).

namespace rota {

inline constexpr double pi = 3.14159265358979323846;

inline double square_root(double x)
{
    return __builtin_sqrt(x);
}

// The angle of (x, y) in radians, in (-pi, pi], like C's atan2(y, x).
double arc_tangent2(double y, double x);

double sine(double radians);
double cosine(double radians);

inline double floor_double(double x)
{
    auto truncated = static_cast<double>(static_cast<long long>(x));
    return truncated > x ? truncated - 1.0 : truncated;
}

} // namespace rota
