#pragma once

// Sub-pixel coordinates for the canvas tests, written as doubles: px(2.5) is
// two and a half pixels in the canvas's 1/256-pixel fixed point.

#include <cmath>
#include <cstdint>

#include "gfx/canvas/aa_subpixel.h"

namespace rota_test {

inline rota::SubPixel px(double v)
{
    return rota::SubPixel::from_raw(static_cast<int32_t>(std::lround(v * 256)));
}
inline rota::SubPoint pt(double x, double y)
{
    return {px(x), px(y)};
}
inline rota::SubRect srect(double x, double y, double w, double h)
{
    return {px(x), px(y), px(w), px(h)};
}

} // namespace rota_test
