#include "support/golden.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace golden {

namespace {

void put32(std::ofstream& out, uint32_t v)
{
    out.write(reinterpret_cast<const char*>(&v), 4);
}
bool get32(std::ifstream& in, uint32_t& v)
{
    return bool(in.read(reinterpret_cast<char*>(&v), 4));
}

} // namespace

bool load(const std::string& path, Image& out)
{
    std::ifstream in(path, std::ios::binary);
    char magic[4];
    uint32_t w, h;
    if (!in.read(magic, 4) || std::string(magic, 4) != "RGI1" || !get32(in, w) || !get32(in, h))
        return false;
    out.width = int32_t(w);
    out.height = int32_t(h);
    out.pixels.clear();
    uint32_t count, color;
    while (get32(in, count) && get32(in, color))
        out.pixels.insert(out.pixels.end(), count, color);
    return out.pixels.size() == size_t(w) * h;
}

void save(const std::string& path, const Image& image)
{
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream out(path, std::ios::binary);
    out.write("RGI1", 4);
    put32(out, uint32_t(image.width));
    put32(out, uint32_t(image.height));
    for (size_t i = 0; i < image.pixels.size();) {
        size_t j = i;
        while (j < image.pixels.size() && image.pixels[j] == image.pixels[i])
            ++j;
        put32(out, uint32_t(j - i));
        put32(out, image.pixels[i] & 0xffffff);
        i = j;
    }
}

void save_ppm(const std::string& path, const Image& image)
{
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream out(path, std::ios::binary);
    out << "P6\n" << image.width << " " << image.height << "\n255\n";
    for (uint32_t p : image.pixels) {
        char rgb[3] = {char(p >> 16), char(p >> 8), char(p)};
        out.write(rgb, 3);
    }
}

std::string compare(
    const Image& expected, const Image& actual, int tolerance, size_t allowed_outliers)
{
    if (expected.width != actual.width || expected.height != actual.height)
        return "size differs";
    size_t outliers = 0;
    int worst = 0;
    size_t first = SIZE_MAX;
    for (size_t i = 0; i < actual.pixels.size(); ++i) {
        uint32_t a = expected.pixels[i], b = actual.pixels[i];
        int d = 0;
        for (int shift : {0, 8, 16})
            d = std::max(d, std::abs(int((a >> shift) & 0xff) - int((b >> shift) & 0xff)));
        if (d > tolerance) {
            ++outliers;
            if (first == SIZE_MAX)
                first = i;
        }
        worst = std::max(worst, d);
    }
    if (outliers <= allowed_outliers)
        return "";
    std::ostringstream text;
    text << outliers << " pixels differ by more than " << tolerance << " (worst " << worst
         << "), first at (" << first % size_t(actual.width) << "," << first / size_t(actual.width)
         << ")";
    return text.str();
}

std::string check(
    const std::string& name, const Image& actual, int tolerance, size_t allowed_outliers)
{
    std::string path = std::string(ROTA_GOLDEN_DIR) + "/" + name + ".rgi";
    if (std::getenv("ROTA_UPDATE_GOLDENS") != nullptr) {
        save(path, actual);
        return "";
    }
    Image expected;
    if (!load(path, expected)) {
        save_ppm("golden-actual/" + name + ".ppm", actual);
        return "no golden " + path + " (actual written to golden-actual/" + name + ".ppm)";
    }
    std::string difference = compare(expected, actual, tolerance, allowed_outliers);
    if (!difference.empty()) {
        save_ppm("golden-actual/" + name + ".ppm", actual);
        save_ppm("golden-actual/" + name + ".expected.ppm", expected);
        difference += " (actual written to golden-actual/" + name + ".ppm)";
    }
    return difference;
}

} // namespace golden
