#pragma once

#include <cstdint>
#include <vector>

#include "gfx/canvas/surface.h"

// A Surface over a std::vector for host tests: the pixels start as `fill`.
// A copy gets its own pixels and a surface pointing at them (a plain member
// copy would leave the copy's surface aimed at the original's vector).
struct TestCanvas {
    std::vector<uint32_t> pixels;
    rota::Surface surface;

    TestCanvas(int32_t width, int32_t height, rota::Color fill)
        : pixels(size_t(width) * size_t(height), fill)
        , surface {pixels.data(), width, height, width}
    {
    }
    TestCanvas(const TestCanvas& other)
        : pixels(other.pixels)
        , surface {pixels.data(), other.surface.width, other.surface.height, other.surface.width}
    {
    }
    TestCanvas& operator=(const TestCanvas&) = delete;

    rota::Color at(int32_t x, int32_t y) const { return surface.at(x, y); }
    rota::Rect all() const { return surface.bounds(); }
};
