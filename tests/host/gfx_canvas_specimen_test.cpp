#include <gtest/gtest.h>

#include "support/sub_pixel_points.h"
#include "support/test_canvas.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "gfx/canvas/canvas.h"
#include "gfx/text/text.h"
#include "gfx/text/text_atlas.h"

// Pictures to look at and costs to read: the canvas and the text drawn
// together in the roulette's colours, written as PNG files to the test's
// working directory (build/tests/host), checked where the colours are known
// and read back from the file; and the per-call costs of the primitives when
// ROTA_CANVAS_COSTS is set.

using namespace rota;
using rota_test::pt;
using rota_test::px;
using rota_test::srect;

namespace {

constexpr Color black = 0x000000;

struct Canvas : TestCanvas {
    Canvas(int32_t w, int32_t h, Color fill = black)
        : TestCanvas(w, h, fill)
    {
    }
};

// A PNG with zlib "stored" (uncompressed) blocks: any viewer reads it, and
// it needs no library.
uint32_t crc32(const uint8_t* data, size_t size, uint32_t crc = 0)
{
    crc = ~crc;
    for (size_t i = 0; i < size; ++i) {
        crc ^= data[i];
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
    }
    return ~crc;
}

void write_png(const std::string& path, const Surface& s)
{
    std::vector<uint8_t> raw;
    for (int32_t y = 0; y < s.height; ++y) {
        raw.push_back(0);
        for (int32_t x = 0; x < s.width; ++x) {
            Color c = s.at(x, y);
            raw.insert(raw.end(), {red_of(c), green_of(c), blue_of(c)});
        }
    }
    std::vector<uint8_t> z {0x78, 0x01};
    uint32_t a = 1, b = 0;
    for (uint8_t v : raw) {
        a = (a + v) % 65521;
        b = (b + a) % 65521;
    }
    for (size_t at = 0; at < raw.size() || at == 0; at += 65535) {
        size_t n = std::min<size_t>(65535, raw.size() - at);
        bool last = at + n >= raw.size();
        z.insert(
            z.end(), {uint8_t(last), uint8_t(n), uint8_t(n >> 8), uint8_t(~n), uint8_t(~n >> 8)});
        z.insert(z.end(), raw.begin() + at, raw.begin() + at + n);
        if (last)
            break;
    }
    uint32_t adler = (b << 16) | a;
    z.insert(
        z.end(), {uint8_t(adler >> 24), uint8_t(adler >> 16), uint8_t(adler >> 8), uint8_t(adler)});
    std::vector<uint8_t> out {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    auto chunk = [&](const char* kind, const std::vector<uint8_t>& body) {
        uint32_t n = static_cast<uint32_t>(body.size());
        out.insert(out.end(), {uint8_t(n >> 24), uint8_t(n >> 16), uint8_t(n >> 8), uint8_t(n)});
        std::vector<uint8_t> typed(kind, kind + 4);
        typed.insert(typed.end(), body.begin(), body.end());
        uint32_t crc = crc32(typed.data(), typed.size());
        out.insert(out.end(), typed.begin(), typed.end());
        out.insert(
            out.end(), {uint8_t(crc >> 24), uint8_t(crc >> 16), uint8_t(crc >> 8), uint8_t(crc)});
    };
    auto w = uint32_t(s.width), h = uint32_t(s.height);
    chunk("IHDR",
        {uint8_t(w >> 24), uint8_t(w >> 16), uint8_t(w >> 8), uint8_t(w), uint8_t(h >> 24),
            uint8_t(h >> 16), uint8_t(h >> 8), uint8_t(h), 8, 2, 0, 0, 0});
    chunk("IDAT", z);
    chunk("IEND", {});
    FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr) << path;
    std::fwrite(out.data(), 1, out.size(), f);
    std::fclose(f);
}

// Reads back a file write_png() wrote: its size and, from the stored (not
// compressed) deflate blocks, the RGB rows. Fails on anything else.
std::vector<uint8_t> read_png_rgb(const std::string& path, uint32_t& width, uint32_t& height)
{
    std::vector<uint8_t> file;
    if (FILE* f = std::fopen(path.c_str(), "rb")) {
        for (int c; (c = std::fgetc(f)) != EOF;)
            file.push_back(uint8_t(c));
        std::fclose(f);
    }
    auto be32 = [&](size_t at) {
        return uint32_t(file[at]) << 24 | uint32_t(file[at + 1]) << 16 | uint32_t(file[at + 2]) << 8
            | file[at + 3];
    };
    std::vector<uint8_t> idat, rgb;
    for (size_t at = 8; at + 12 <= file.size();) {
        uint32_t length = be32(at);
        std::string kind(file.begin() + long(at) + 4, file.begin() + long(at) + 8);
        if (at + 12 + length > file.size())
            return {};
        EXPECT_EQ(be32(at + 8 + length), crc32(file.data() + at + 4, length + 4)) << kind;
        if (kind == "IHDR") {
            width = be32(at + 8);
            height = be32(at + 12);
        } else if (kind == "IDAT") {
            idat.insert(
                idat.end(), file.begin() + long(at) + 8, file.begin() + long(at + 8 + length));
        }
        at += 12 + length;
    }
    std::vector<uint8_t> raw;
    for (size_t at = 2; at + 5 <= idat.size();) { // stored blocks after the zlib header
        bool last = idat[at] & 1;
        size_t n = idat[at + 1] | size_t(idat[at + 2]) << 8;
        raw.insert(raw.end(), idat.begin() + long(at) + 5, idat.begin() + long(at + 5 + n));
        at += 5 + n;
        if (last)
            break;
    }
    for (size_t row = 0; row < height && (row + 1) * (1 + 3 * width) <= raw.size(); ++row) {
        EXPECT_EQ(raw[row * (1 + 3 * width)], 0) << "filter of row " << row;
        auto begin = raw.begin() + long(row * (1 + 3 * width) + 1);
        rgb.insert(rgb.end(), begin, begin + long(3 * width));
    }
    return rgb;
}

bool near(Color a, Color b, int tolerance = 1)
{
    auto d = [](int x, int y) { return x > y ? x - y : y - x; };
    return d(red_of(a), red_of(b)) <= tolerance && d(green_of(a), green_of(b)) <= tolerance
        && d(blue_of(a), blue_of(b)) <= tolerance;
}

} // namespace

// A sample composition in the roulette's colours (docs/roulette.md), written to
// the build directory as canvas_specimen.png for a person to look at, and
// checked: the colours where the shapes are, and the file read back.
TEST(CanvasSpecimen, WritesAPicture)
{
    Canvas c(1080, 660);
    Rect all = c.all();
    draw_text_centered(c.surface, all, {0, 8, 1080, 48}, "THE WHEEL OF FATE", 0xc7c7c7, 3);
    draw_text_centered(
        c.surface, all, {0, 56, 1080, 20}, "The wheel chooses your destiny...", 0xc7c7c7, 1);
    SubPoint centre = pt(230.5, 280.5);
    fill_disc(c.surface, all, centre, px(180), 0x144e44);
    fill_ring(c.surface, all, centre, px(176), px(184), 0xc7c7c7);
    for (int i = 0; i < 12; ++i) {
        double a = i * M_PI / 6;
        draw_line(c.surface, all, centre, pt(230.5 + 178 * std::sin(a), 280.5 - 178 * std::cos(a)),
            px(3), 0xc7c7c7);
    }
    fill_disc(c.surface, all, centre, px(28), 0xc7c7c7);
    fill_disc(c.surface, all, centre, px(14), black);
    fill_triangle(c.surface, all, pt(214.5, 84), pt(246.5, 84), pt(230.5, 112), 0xffe087);
    Rect fate {450, 110, 200, 60};
    stroke_round_rect(c.surface, all, SubRect::from_rect(fate), px(10), px(2.5), 0xc7c7c7);
    draw_text_centered(c.surface, all, fate, "1234567", 0xffe087, 3);
    Rect banner {450, 190, 300, 80};
    fill_round_rect(c.surface, all, SubRect::from_rect(banner), px(14), 0x2dd4b3, 60);
    stroke_round_rect(c.surface, all, SubRect::from_rect(banner), px(14), px(3), 0x2dd4b3);
    draw_text_centered(c.surface, all, {450, 196, 300, 50}, "W I N !", 0x2dd4b3, 3);
    draw_text_centered(
        c.surface, all, {450, 240, 300, 24}, "Fortune smiles upon you.", 0xc7c7c7, 1);
    for (int32_t s = 1, y = 290; s <= 6; y += text_height(s) + 4, ++s)
        draw_text(c.surface, all, 440, y, "Rota 0-11 gjq", 0xffffff, s);
    // A frame-time graph.
    fill_rect(c.surface, all, {20, 560, 300, 70}, 0x202020);
    for (int i = 0; i < 59; ++i) {
        auto y = [](int k) { return 610 - 20 * std::sin(k * 0.31) - 8 * std::cos(k * 1.7); };
        draw_line(c.surface, all, pt(25 + i * 5, y(i)), pt(30 + i * 5, y(i + 1)), px(1.5), 0x3dd6c6,
            255, LineCap::square);
    }
    write_png("canvas_specimen.png", c.surface);

    // Between two spokes, on the wedge; on the rim; on the hub; the hub's hole.
    double a = M_PI / 12; // 15 degrees, halfway between spokes
    auto polar = [&](double r) {
        return c.at(int32_t(230.5 + r * std::sin(a)), int32_t(280.5 - r * std::cos(a)));
    };
    EXPECT_EQ(polar(100), Color(0x144e44));
    EXPECT_EQ(polar(180), Color(0xc7c7c7));
    EXPECT_EQ(polar(21), Color(0xc7c7c7));
    EXPECT_EQ(c.at(230, 280), black);
    EXPECT_EQ(c.at(230, 180), Color(0xc7c7c7)); // on the spoke at 12 o'clock
    EXPECT_EQ(c.at(230, 92), Color(0xffe087)); // inside the pointer
    EXPECT_EQ(c.at(230, 70), black); // above it
    EXPECT_EQ(c.at(451, 140), Color(0xc7c7c7)); // the fate box's stroke
    EXPECT_EQ(c.at(470, 115), black); // inside the box, off the text
    // The banner: 0x2dd4b3 at opacity 60 over black, about 60/255 of each channel.
    EXPECT_TRUE(near(c.at(460, 265), rgb(0x2d * 60 / 255, 0xd4 * 60 / 255, 0xb3 * 60 / 255)))
        << std::hex << c.at(460, 265);
    // The title: light grey ink in its band, none outside the text's box.
    int ink = 0;
    for (int32_t y = 8; y < 56; ++y) {
        for (int32_t x = 0; x < 1080; ++x)
            ink += c.at(x, y) == Color(0xc7c7c7);
    }
    EXPECT_GT(ink, 17 * 3 * 3 * 20); // at least 20 full-ink font cells a glyph's worth
    EXPECT_EQ(c.at(200, 30), black);

    uint32_t width = 0, height = 0;
    std::vector<uint8_t> rgb = read_png_rgb("canvas_specimen.png", width, height);
    ASSERT_EQ(width, 1080u);
    ASSERT_EQ(height, 660u);
    ASSERT_EQ(rgb.size(), size_t(1080) * 660 * 3);
    for (int32_t y = 0; y < 660; ++y) {
        for (int32_t x = 0; x < 1080; ++x) {
            const uint8_t* p = &rgb[(size_t(y) * 1080 + size_t(x)) * 3];
            ASSERT_EQ(rota::rgb(p[0], p[1], p[2]), c.at(x, y)) << x << "," << y;
        }
    }

    Canvas text(900, 700, 0x101418);
    int32_t y = 4;
    for (int32_t s = 1; s <= 4; ++s) {
        for (const char* line : {" !\"#$%&'()*+,-./0123456789:;<=>?",
                 "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_", "`abcdefghijklmnopqrstuvwxyz{|}~"}) {
            draw_text(text.surface, text.all(), 4, y, line, 0xe8e8e8, s);
            y += text_height(s) + 2;
        }
    }
    write_png("text_specimen.png", text.surface);
}

// Per-call costs on the host, printed when ROTA_CANVAS_COSTS is set.
TEST(CanvasCosts, Report)
{
    if (!std::getenv("ROTA_CANVAS_COSTS"))
        GTEST_SKIP() << "set ROTA_CANVAS_COSTS=1 to measure";
    Canvas c(1280, 800);
    auto measure = [&](const char* name, int64_t pixels, auto&& draw) {
        int runs = 0;
        auto start = std::chrono::steady_clock::now();
        std::chrono::duration<double> spent {};
        do {
            draw();
            ++runs;
            spent = std::chrono::steady_clock::now() - start;
        } while (spent.count() < 0.3);
        double us = spent.count() * 1e6 / runs;
        std::printf("[cost] %-34s %9.1f us/call %6.2f ns/pixel (%lld px)\n", name, us,
            us * 1000 / pixels, static_cast<long long>(pixels));
    };
    Rect all = c.all();
    measure("fill_rect 400x300", 400 * 300, [&] {
        fill_rect(c.surface, all, {10, 10, 400, 300}, 0x123456);
    });
    measure("fill_rect 400x300 opacity 128", 400 * 300, [&] {
        fill_rect(c.surface, all, {10, 10, 400, 300}, 0x123456, 128);
    });
    measure("fill_disc r=280", int64_t(M_PI * 280 * 280),
        [&] { fill_disc(c.surface, all, pt(640.3, 400.2), px(280), 0x144e44); });
    measure("fill_disc r=28", int64_t(M_PI * 28 * 28),
        [&] { fill_disc(c.surface, all, pt(640.3, 400.2), px(28), 0xc7c7c7); });
    measure("fill_ring 276..284", int64_t(M_PI * (284 * 284 - 276 * 276)),
        [&] { fill_ring(c.surface, all, pt(640.3, 400.2), px(276), px(284), 0xc7c7c7); });
    measure("fill_triangle 32x28", 32 * 28 / 2,
        [&] { fill_triangle(c.surface, all, pt(624, 100), pt(656, 100), pt(640, 128), 0xffe087); });
    measure("draw_line 280 long 3 wide", 280 * 3,
        [&] { draw_line(c.surface, all, pt(640.5, 400.5), pt(838.5, 202.5), px(3), 0xc7c7c7); });
    measure("stroke_round_rect 400x80", 2 * (400 + 80) * 3, [&] {
        stroke_round_rect(c.surface, all, srect(440, 600, 400, 80), px(14), px(3), 0x2dd4b3);
    });
    measure("fill_round_rect 200x60", 200 * 60,
        [&] { fill_round_rect(c.surface, all, srect(540, 500, 200, 60), px(10), 0x333333); });
    for (int32_t s : {2, 3}) {
        std::vector<uint8_t> storage(TextAtlas::storage_bytes(s));
        TextAtlas atlas;
        auto start = std::chrono::steady_clock::now();
        atlas.prepare(storage, s);
        std::chrono::duration<double> spent = std::chrono::steady_clock::now() - start;
        std::printf(
            "[cost] TextAtlas::prepare scale %d          %9.1f us\n", s, spent.count() * 1e6);
        std::string name = "draw_text atlas 17 chars scale " + std::to_string(s);
        const char* title = "THE WHEEL OF FATE";
        measure(name.c_str(), int64_t(text_width(title, s)) * text_height(s),
            [&] { draw_text(c.surface, all, 10, 10, title, 0xc7c7c7, atlas); });
    }
    for (int32_t s : {1, 2, 3, 6}) {
        std::string name = "draw_text 17 chars scale " + std::to_string(s);
        const char* title = "THE WHEEL OF FATE";
        measure(name.c_str(), int64_t(text_width(title, s)) * text_height(s),
            [&] { draw_text(c.surface, all, 10, 10, title, 0xc7c7c7, s); });
    }
}
