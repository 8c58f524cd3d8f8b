#include "core/lib/math.h"

namespace rota {

namespace {

// atan(x) for |x| <= 1, by reducing to |x| <= tan(pi/12) and a short series:
// atan(x) = atan(c) + atan((x - c) / (1 + x c)) with c = tan(pi/6).
double atan_unit(double x)
{
    constexpr double tan_pi_12 = 0.26794919243112270;
    constexpr double tan_pi_6 = 0.57735026918962576;
    double offset = 0.0;
    if (x > tan_pi_12) {
        x = (x - tan_pi_6) / (1.0 + x * tan_pi_6);
        offset = pi / 6.0;
    }
    // |x| <= 0.268: the alternating series to x^17 is exact to ~1e-11. In
    // Horner form with the coefficients folded at compile time: no division
    // per term (under TCG each one is a soft-float call, and the wheel takes
    // an arc tangent for every pixel of its ring at start-up).
    constexpr double c[]
        = {1.0, -1.0 / 3, 1.0 / 5, -1.0 / 7, 1.0 / 9, -1.0 / 11, 1.0 / 13, -1.0 / 15, 1.0 / 17};
    double x2 = x * x;
    double sum = c[8];
    for (int k = 7; k >= 0; --k)
        sum = sum * x2 + c[k];
    return offset + x * sum;
}

double atan_positive(double x)
{
    return x <= 1.0 ? atan_unit(x) : pi / 2.0 - atan_unit(1.0 / x);
}

double atan(double x)
{
    return x < 0 ? -atan_positive(-x) : atan_positive(x);
}

// sin on [-pi/4, pi/4] and cos likewise: Taylor series to the 15th/16th power.
double sin_small(double x)
{
    double x2 = x * x;
    double term = x;
    double sum = 0.0;
    for (int n = 1; n < 16; n += 2) {
        sum += term;
        term *= -x2 / ((n + 1) * (n + 2));
    }
    return sum;
}

double cos_small(double x)
{
    double x2 = x * x;
    double term = 1.0;
    double sum = 0.0;
    for (int n = 0; n < 16; n += 2) {
        sum += term;
        term *= -x2 / ((n + 1) * (n + 2));
    }
    return sum;
}

} // namespace

double arc_tangent2(double y, double x)
{
    if (x > 0)
        return atan(y / x);
    if (x < 0)
        return y >= 0 ? atan(y / x) + pi : atan(y / x) - pi;
    if (y > 0)
        return pi / 2.0;
    if (y < 0)
        return -pi / 2.0;
    return 0.0;
}

double sine(double radians)
{
    // Reduce to a quarter turn k and a remainder in [-pi/4, pi/4].
    double turns = radians / (pi / 2.0);
    double k = floor_double(turns + 0.5);
    double r = radians - k * (pi / 2.0);
    switch (static_cast<long long>(k) & 3) {
    case 0:
        return sin_small(r);
    case 1:
        return cos_small(r);
    case 2:
        return -sin_small(r);
    default:
        return -cos_small(r);
    }
}

double cosine(double radians)
{
    return sine(radians + pi / 2.0);
}

} // namespace rota
