#pragma once

#include <cstdint>
#include <string>
#include <vector>

// Golden images for host tests, stored run-length encoded (the scenes are
// mostly flat colour, so a 640×400 frame is a few kilobytes):
//   "RGI1" width height (u32 each), then runs of (u32 count, u32 colour).
// compare_golden() writes the actual image next to the golden, as a PPM a
// person can open, when they differ; ROTA_UPDATE_GOLDENS=1 rewrites goldens.

namespace golden {

struct Image {
    int32_t width {0}, height {0};
    std::vector<uint32_t> pixels;
};

bool load(const std::string& path, Image& out);
void save(const std::string& path, const Image& image);
void save_ppm(const std::string& path, const Image& image);

// Empty when the images match within `tolerance` per channel on all but
// `allowed_outliers` pixels; otherwise a description of the difference.
std::string compare(
    const Image& expected, const Image& actual, int tolerance, size_t allowed_outliers);

// Loads tests/golden/<name>.rgi, compares, and on mismatch writes
// <build>/golden-actual/<name>.ppm. Returns the failure text or "".
std::string check(
    const std::string& name, const Image& actual, int tolerance, size_t allowed_outliers);

} // namespace golden
