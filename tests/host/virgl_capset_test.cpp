#include "virtio/gpu/virgl/capset.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <vector>

#include "virtio/gpu/virgl/probe.h"

// The capset QEMU 7.2's virtio-gpu-gl-pci returned on egl-headless with
// virglrenderer 0.10.4 and llvmpipe, captured by
// tests/fixtures/capture_virgl_capset.py.

using namespace rota;
using namespace rota::gpu::virgl;

namespace {

std::vector<uint8_t> captured_capset2()
{
    std::ifstream in(ROTA_FIXTURES_DIR "/virgl/capset2.bin", std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

TEST(VirglCapset, ParsesTheCapsetQemuReturned)
{
    std::vector<uint8_t> bytes = captured_capset2();
    ASSERT_EQ(bytes.size(), 1376u);
    auto caps = parse_virgl_caps(capset_virgl2, bytes);
    ASSERT_TRUE(caps.has_value());
    EXPECT_EQ(caps->version, 2u);
    EXPECT_EQ(caps->glsl_level, 450u);
    EXPECT_EQ(caps->max_render_targets, 8u);
    EXPECT_EQ(caps->max_texture_2d_size, 16384u);
    EXPECT_STREQ(caps->renderer, "LLVMPIPE (LLVM 15.0.6, 256 bits)");
    EXPECT_TRUE(caps->render.has(Format::B8G8R8X8Unorm));
    EXPECT_TRUE(caps->sampler.has(Format::B8G8R8A8Unorm));
    EXPECT_EQ(virgl_unusable_reason(*caps, {1280, 800}), nullptr);
    EXPECT_EQ(virgl_unusable_reason(*caps, {3840, 2160}), nullptr);
}

TEST(VirglCapset, ReadsOnlyTheVersionOneFieldsOfCapsetVirgl)
{
    // The VIRGL capset is struct virgl_caps_v1: the first 308 bytes of the
    // same layout. The v2 fields are not read even if more bytes follow.
    std::vector<uint8_t> bytes = captured_capset2();
    auto v1 = parse_virgl_caps(capset_virgl, std::span(bytes).first(308));
    ASSERT_TRUE(v1.has_value());
    EXPECT_EQ(v1->glsl_level, 450u);
    EXPECT_EQ(v1->max_texture_2d_size, 0u);
    EXPECT_STREQ(v1->renderer, "");
    auto whole = parse_virgl_caps(capset_virgl, bytes);
    ASSERT_TRUE(whole.has_value());
    EXPECT_EQ(whole->max_texture_2d_size, 0u);
}

TEST(VirglCapset, RefusesShortZeroVersionAndForeignCapsets)
{
    std::vector<uint8_t> bytes = captured_capset2();
    for (size_t length : {size_t(0), size_t(4), size_t(307)}) {
        auto caps = parse_virgl_caps(capset_virgl2, std::span(bytes).first(length));
        ASSERT_FALSE(caps.has_value()) << length;
        EXPECT_EQ(caps.error(), Error::Corrupt);
    }
    std::vector<uint8_t> zero = bytes;
    zero[0] = 0;
    EXPECT_EQ(parse_virgl_caps(capset_virgl2, zero).error(), Error::Corrupt);
    EXPECT_EQ(parse_virgl_caps(3, bytes).error(), Error::Unsupported); // VENUS: not ours
}

TEST(VirglCapset, AV2CapsetCutShortKeepsWhatItHas)
{
    std::vector<uint8_t> bytes = captured_capset2();
    auto caps = parse_virgl_caps(capset_virgl2, std::span(bytes).first(487));
    ASSERT_TRUE(caps.has_value());
    EXPECT_EQ(caps->max_texture_2d_size, 0u); // its 4 bytes end at 488
    EXPECT_STREQ(caps->renderer, "");
    auto longer = parse_virgl_caps(capset_virgl2, std::span(bytes).first(488));
    ASSERT_TRUE(longer.has_value());
    EXPECT_EQ(longer->max_texture_2d_size, 16384u);
}

TEST(VirglCapset, RendererTextIsMadePrintable)
{
    std::vector<uint8_t> bytes = captured_capset2();
    bytes[696] = 0x1b; // an escape in the host's text
    for (size_t i = 696 + 1; i < 696 + 64; ++i)
        bytes[i] = 'x'; // and no NUL within its 64 bytes
    auto caps = parse_virgl_caps(capset_virgl2, bytes);
    ASSERT_TRUE(caps.has_value());
    EXPECT_EQ(caps->renderer[0], '?');
    EXPECT_EQ(std::string(caps->renderer).size(), 64u);
}

TEST(VirglCapset, PrefersVirgl2AndSkipsUnusableOffers)
{
    const CapsetOffer qemu[] = {{1, 1, 308}, {2, 2, 1376}};
    auto choice = choose_virgl_capset(qemu);
    ASSERT_TRUE(choice.has_value());
    EXPECT_EQ(choice->id, 2u);
    EXPECT_EQ(choice->max_size, 1376u);

    const CapsetOffer broken_v2[] = {{2, 2, 100}, {1, 1, 308}};
    EXPECT_EQ(choose_virgl_capset(broken_v2)->id, 1u);
    const CapsetOffer huge[] = {{2, 2, 1u << 30}};
    EXPECT_FALSE(choose_virgl_capset(huge).has_value());
    const CapsetOffer venus_only[] = {{3, 1, 4096}};
    EXPECT_FALSE(choose_virgl_capset(venus_only).has_value());
    EXPECT_FALSE(choose_virgl_capset({}).has_value());
}

TEST(VirglCapset, UnusableReasons)
{
    auto caps = parse_virgl_caps(capset_virgl2, captured_capset2());
    ASSERT_TRUE(caps.has_value());
    VirglCaps small = *caps;
    EXPECT_NE(virgl_unusable_reason(small, {16385, 800}), nullptr);
    small.max_texture_2d_size = 0; // not reported: not a reason
    EXPECT_EQ(virgl_unusable_reason(small, {16385, 800}), nullptr);

    VirglCaps no_render = *caps;
    no_render.render.bits[0] &= ~(1u << 2); // B8G8R8X8_UNORM is format 2
    EXPECT_NE(virgl_unusable_reason(no_render, {1280, 800}), nullptr);
    VirglCaps no_sample = *caps;
    no_sample.sampler.bits[0] &= ~(1u << 1); // B8G8R8A8_UNORM is format 1
    EXPECT_NE(virgl_unusable_reason(no_sample, {1280, 800}), nullptr);
}

TEST(VirglProbe, ColoursChangeEveryTimeAndNeverLookLikeTheSentinel)
{
    for (uint32_t i = 0; i < 1000; ++i) {
        ProbeColour a = probe_colour(i), b = probe_colour(i + 1);
        EXPECT_NE(a.pixel(), b.pixel()) << i;
        EXPECT_FALSE(probe_matches(probe_sentinel, a)) << i;
        EXPECT_FALSE(probe_matches(0, a)) << i;
        EXPECT_GE(a.red, 0x40);
        EXPECT_GE(a.green, 0x40);
        EXPECT_GE(a.blue, 0x40);
    }
    // The X byte of a B8G8R8X8 read-back is ignored.
    ProbeColour c = probe_colour(7);
    EXPECT_TRUE(probe_matches(0xff000000u | c.pixel(), c));
    EXPECT_TRUE(probe_matches(c.pixel(), c));
    EXPECT_FALSE(probe_matches(c.pixel() ^ 1, c));
}
