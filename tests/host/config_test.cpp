#include "core/config/config.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "core/config/config_keys.h"
#include "support/recording_sink.h"

using rota::Config;
using rota::DisplayMode;
using rota::SpinMode;
using rota::VideoChoice;
using rota_test::RecordingSink;

namespace {

struct FileResult {
    Config config;
    std::vector<std::string> lines;
};

FileResult parse_file(std::string_view text)
{
    FileResult result;
    RecordingSink sink;
    rota::apply_config_file(result.config, text, sink);
    result.lines = sink.lines;
    return result;
}

FileResult parse_options(std::string_view text)
{
    FileResult result;
    RecordingSink sink;
    rota::apply_load_options(result.config, text, sink);
    result.lines = sink.lines;
    return result;
}

std::string describe(const Config& config)
{
    char buffer[256];
    size_t length = rota::describe_config(config, buffer, sizeof buffer);
    EXPECT_EQ(length, std::string(buffer).size());
    return buffer;
}

// The line a bad value for `key` produces on line 1 of the file.
std::string bad_value_line(
    const std::string& value, const std::string& key, const std::string& kept)
{
    return "[config] bad value \"" + value + "\" for key \"" + key
        + "\" (rota.cfg line 1), keeping " + kept;
}

// Checks that `key=value` is rejected with one line and leaves the default.
void expect_bad(const std::string& key, const std::string& value, const std::string& kept)
{
    FileResult result = parse_file(key + "=" + value);
    ASSERT_EQ(result.lines.size(), 1u) << key << "=" << value;
    EXPECT_EQ(result.lines[0], bad_value_line(value, key, kept));
    EXPECT_EQ(describe(result.config), describe(Config {})) << key << "=" << value;
}

const char* const default_line = "[config] video=auto mode=preferred frames=0 gate=on seed=tsc "
                                 "perframe=on fps=60 cpus=all journal=on irq=on "
                                 "spin=fate debug=none";

} // namespace

TEST(Config, DefaultsMatchTheSpec)
{
    Config config;
    EXPECT_EQ(config.video, VideoChoice::Auto);
    EXPECT_FALSE(config.mode.has_value());
    EXPECT_EQ(config.frames, 0u);
    EXPECT_TRUE(config.gate);
    EXPECT_FALSE(config.seed.has_value());
    EXPECT_TRUE(config.perframe);
    EXPECT_EQ(config.fps, 60u);
    EXPECT_FALSE(config.cpus.has_value());
    EXPECT_TRUE(config.journal);
    EXPECT_EQ(config.debug, 0u);
    EXPECT_EQ(describe(config), default_line);
}

TEST(Config, EmptyFileChangesNothing)
{
    FileResult result = parse_file("");
    EXPECT_TRUE(result.lines.empty());
    EXPECT_EQ(describe(result.config), default_line);
}

TEST(Config, Video)
{
    EXPECT_EQ(parse_file("video=auto").config.video, VideoChoice::Auto);
    EXPECT_EQ(parse_file("video=virtio").config.video, VideoChoice::Virtio);
    EXPECT_EQ(parse_file("video=gop").config.video, VideoChoice::Gop);
    EXPECT_TRUE(parse_file("video=gop").lines.empty());
    expect_bad("video", "vga", "auto");
    expect_bad("video", "GOP", "auto");
    expect_bad("video", "", "auto");
    expect_bad("video", "gop gop", "auto");
}

TEST(Config, Mode)
{
    FileResult result = parse_file("mode=1280x800");
    ASSERT_TRUE(result.config.mode.has_value());
    EXPECT_EQ(result.config.mode->width, 1280u);
    EXPECT_EQ(result.config.mode->height, 800u);
    EXPECT_TRUE(result.lines.empty());

    result = parse_file("mode=1920X1080");
    ASSERT_TRUE(result.config.mode.has_value());
    EXPECT_EQ(result.config.mode->width, 1920u);
    EXPECT_EQ(result.config.mode->height, 1080u);

    result = parse_file("mode=16x16384");
    ASSERT_TRUE(result.config.mode.has_value());
    EXPECT_EQ(result.config.mode->width, 16u);
    EXPECT_EQ(result.config.mode->height, 16384u);

    EXPECT_FALSE(parse_file("mode=800x600\nmode=preferred").config.mode.has_value());

    expect_bad("mode", "15x100", "preferred");
    expect_bad("mode", "100x16385", "preferred");
    expect_bad("mode", "1280", "preferred");
    expect_bad("mode", "1280x", "preferred");
    expect_bad("mode", "x800", "preferred");
    expect_bad("mode", "1280x800x2", "preferred");
    expect_bad("mode", "1280*800", "preferred");
    expect_bad("mode", "-1280x800", "preferred");
    expect_bad("mode", "1280 x 800", "preferred");
    expect_bad("mode", "99999999999999999999999x800", "preferred");
}

TEST(Config, BadModeKeepsTheEarlierMode)
{
    FileResult result = parse_file("mode=1024x768\nmode=big");
    ASSERT_EQ(result.lines.size(), 1u);
    EXPECT_EQ(result.lines[0],
        "[config] bad value \"big\" for key \"mode\" (rota.cfg line 2), keeping 1024x768");
    ASSERT_TRUE(result.config.mode.has_value());
    EXPECT_EQ(result.config.mode->width, 1024u);
}

TEST(Config, Frames)
{
    EXPECT_EQ(parse_file("frames=600").config.frames, 600u);
    EXPECT_EQ(parse_file("frames=0").config.frames, 0u);
    EXPECT_EQ(parse_file("frames=18446744073709551615").config.frames, UINT64_MAX);
    EXPECT_EQ(parse_file("frames=007").config.frames, 7u);
    expect_bad("frames", "abc", "0");
    expect_bad("frames", "18446744073709551616", "0");
    expect_bad("frames", "99999999999999999999999", "0");
    expect_bad("frames", "-1", "0");
    expect_bad("frames", "+1", "0");
    expect_bad("frames", "12abc", "0");
    expect_bad("frames", "0x10", "0");
    expect_bad("frames", "", "0");
    expect_bad("frames", "1 2", "0");
}

TEST(Config, Switches)
{
    for (const char* key : {"gate", "perframe", "journal"}) {
        std::string name = key;
        FileResult off = parse_file(name + "=off");
        EXPECT_TRUE(off.lines.empty());
        EXPECT_NE(describe(off.config).find(name + "=off"), std::string::npos) << name;
        FileResult on = parse_file(name + "=off\n" + name + "=on");
        EXPECT_EQ(describe(on.config), default_line);
        expect_bad(name, "true", "on");
        expect_bad(name, "1", "on");
        expect_bad(name, "yes", "on");
        expect_bad(name, "ON", "on");
        expect_bad(name, "", "on");
    }
    EXPECT_FALSE(parse_file("gate=off").config.gate);
    EXPECT_FALSE(parse_file("perframe=off").config.perframe);
    EXPECT_FALSE(parse_file("journal=off").config.journal);
    EXPECT_FALSE(parse_file("irq=off").config.irq);
    EXPECT_TRUE(parse_file("irq=on").config.irq);
}

TEST(Config, Spin)
{
    EXPECT_EQ(Config {}.spin, SpinMode::Fate);
    EXPECT_EQ(parse_file("spin=steady").config.spin, SpinMode::Steady);
    EXPECT_EQ(parse_file("spin=steady\nspin=fate").config.spin, SpinMode::Fate);
    expect_bad("spin", "constant", "fate");
    expect_bad("spin", "Steady", "fate");
    expect_bad("spin", "", "fate");
}

TEST(Config, Seed)
{
    EXPECT_EQ(parse_file("seed=42").config.seed, std::optional<uint64_t>(42));
    EXPECT_EQ(parse_file("seed=0").config.seed, std::optional<uint64_t>(0));
    EXPECT_EQ(parse_file("seed=0x2a").config.seed, std::optional<uint64_t>(42));
    EXPECT_EQ(parse_file("seed=0XDEADbeef").config.seed, std::optional<uint64_t>(0xdeadbeef));
    EXPECT_EQ(
        parse_file("seed=0xffffffffffffffff").config.seed, std::optional<uint64_t>(UINT64_MAX));
    EXPECT_EQ(parse_file("seed=0x0000000000000000001").config.seed, std::optional<uint64_t>(1));
    EXPECT_EQ(
        parse_file("seed=18446744073709551615").config.seed, std::optional<uint64_t>(UINT64_MAX));
    EXPECT_FALSE(parse_file("seed=5\nseed=tsc").config.seed.has_value());
    expect_bad("seed", "0x", "tsc");
    expect_bad("seed", "0x1ffffffffffffffff", "tsc");
    expect_bad("seed", "18446744073709551616", "tsc");
    expect_bad("seed", "0xg", "tsc");
    expect_bad("seed", "random", "tsc");
    expect_bad("seed", "", "tsc");

    FileResult kept = parse_file("seed=0x10\nseed=zz");
    ASSERT_EQ(kept.lines.size(), 1u);
    EXPECT_EQ(
        kept.lines[0], "[config] bad value \"zz\" for key \"seed\" (rota.cfg line 2), keeping 16");
}

TEST(Config, Fps)
{
    EXPECT_EQ(parse_file("fps=0").config.fps, 0u);
    EXPECT_EQ(parse_file("fps=30").config.fps, 30u);
    EXPECT_EQ(parse_file("fps=1000").config.fps, 1000u);
    expect_bad("fps", "1001", "60");
    expect_bad("fps", "4294967356", "60");
    expect_bad("fps", "fast", "60");
    expect_bad("fps", "60.0", "60");
    expect_bad("fps", "", "60");
}

TEST(Config, Cpus)
{
    EXPECT_EQ(parse_file("cpus=1").config.cpus, std::optional<uint32_t>(1));
    EXPECT_EQ(parse_file("cpus=4").config.cpus, std::optional<uint32_t>(4));
    EXPECT_EQ(parse_file("cpus=1024").config.cpus, std::optional<uint32_t>(1024));
    EXPECT_FALSE(parse_file("cpus=2\ncpus=all").config.cpus.has_value());
    expect_bad("cpus", "0", "all");
    expect_bad("cpus", "1025", "all");
    expect_bad("cpus", "many", "all");
    expect_bad("cpus", "", "all");
}

TEST(Config, Debug)
{
    EXPECT_EQ(parse_file("debug=fault-pf").config.debug, rota::DebugFaultPageFault);
    EXPECT_EQ(parse_file("debug=fault-ud").config.debug, rota::DebugFaultInvalidOpcode);
    EXPECT_EQ(parse_file("debug=fault-gp").config.debug, rota::DebugFaultGeneralProtection);
    EXPECT_EQ(parse_file("debug=fault-de").config.debug, rota::DebugFaultDivide);
    EXPECT_EQ(parse_file("debug=smp-selftest").config.debug, rota::DebugSmpSelftest);
    EXPECT_EQ(parse_file("debug=blk-selftest").config.debug, rota::DebugBlkSelftest);
    EXPECT_EQ(parse_file("debug=dump-acpi,dump-pci").config.debug,
        rota::DebugDumpAcpi | rota::DebugDumpPci);
    EXPECT_EQ(parse_file("debug=smp-selftest,fault-gp").config.debug,
        rota::DebugSmpSelftest | rota::DebugFaultGeneralProtection);
    EXPECT_EQ(parse_file("debug = smp-selftest , blk-selftest").config.debug,
        rota::DebugSmpSelftest | rota::DebugBlkSelftest);
    EXPECT_EQ(parse_file("debug=fault-pf\ndebug=none").config.debug, 0u);
    EXPECT_TRUE(parse_file("debug=fault-pf,blk-selftest").lines.empty());

    expect_bad("debug", "fault-xx", "none");
    expect_bad("debug", "fault-pf,", "none");
    expect_bad("debug", ",fault-pf", "none");
    expect_bad("debug", "fault-pf,,fault-gp", "none");
    expect_bad("debug", "none,fault-pf", "none");
    expect_bad("debug", "", "none");

    FileResult kept = parse_file("debug=fault-pf,smp-selftest\ndebug=everything");
    ASSERT_EQ(kept.lines.size(), 1u);
    EXPECT_EQ(kept.lines[0],
        "[config] bad value \"everything\" for key \"debug\" (rota.cfg line 2), keeping "
        "fault-pf,smp-selftest");
}

TEST(Config, UnknownKeyIsReportedAndIgnored)
{
    FileResult result = parse_file("# rota\nframes=5\nbogus_key=1\n");
    ASSERT_EQ(result.lines.size(), 1u);
    EXPECT_EQ(result.lines[0], "[config] unknown key \"bogus_key\" (rota.cfg line 3), ignored");
    EXPECT_EQ(result.config.frames, 5u);
}

TEST(Config, KeysAreCaseSensitive)
{
    FileResult result = parse_file("Frames=5");
    ASSERT_EQ(result.lines.size(), 1u);
    EXPECT_EQ(result.lines[0], "[config] unknown key \"Frames\" (rota.cfg line 1), ignored");
    EXPECT_EQ(result.config.frames, 0u);
}

TEST(Config, LineWithoutEquals)
{
    FileResult result = parse_file("frames=1\n\n\n\n\n\njust some words\nfps=30");
    ASSERT_EQ(result.lines.size(), 1u);
    EXPECT_EQ(result.lines[0], "[config] line 7 has no '=' (rota.cfg), ignored");
    EXPECT_EQ(result.config.frames, 1u);
    EXPECT_EQ(result.config.fps, 30u);
}

TEST(Config, EmptyKey)
{
    FileResult result = parse_file("=5");
    ASSERT_EQ(result.lines.size(), 1u);
    EXPECT_EQ(result.lines[0], "[config] unknown key \"\" (rota.cfg line 1), ignored");
}

TEST(Config, CommentsBlanksAndWhitespace)
{
    FileResult result = parse_file("# the whole line is a comment\n"
                                   "   # indented comment\n"
                                   "\n"
                                   "  \t  \n"
                                   "  frames = 12   # trailing comment\n"
                                   "\tgate\t=\toff\t\n"
                                   "fps=30#no space before the comment\n"
                                   "#video=gop\n");
    EXPECT_TRUE(result.lines.empty());
    EXPECT_EQ(result.config.frames, 12u);
    EXPECT_FALSE(result.config.gate);
    EXPECT_EQ(result.config.fps, 30u);
    EXPECT_EQ(result.config.video, VideoChoice::Auto);
}

TEST(Config, CrLfLineEnds)
{
    FileResult result = parse_file("frames=3\r\nvideo=gop\r\n\r\nbogus=1\r\n");
    ASSERT_EQ(result.lines.size(), 1u);
    EXPECT_EQ(result.lines[0], "[config] unknown key \"bogus\" (rota.cfg line 4), ignored");
    EXPECT_EQ(result.config.frames, 3u);
    EXPECT_EQ(result.config.video, VideoChoice::Gop);
}

TEST(Config, ByteOrderMark)
{
    FileResult result = parse_file("\xEF\xBB\xBF"
                                   "frames=9\n");
    EXPECT_TRUE(result.lines.empty());
    EXPECT_EQ(result.config.frames, 9u);

    // Only at the very start: elsewhere it is part of a key.
    result = parse_file("frames=9\n\xEF\xBB\xBF"
                        "fps=1\n");
    ASSERT_EQ(result.lines.size(), 1u);
    EXPECT_EQ(result.lines[0], "[config] unknown key \"???fps\" (rota.cfg line 2), ignored");
}

TEST(Config, NoTrailingNewline)
{
    FileResult result = parse_file("frames=1\nfps=25");
    EXPECT_TRUE(result.lines.empty());
    EXPECT_EQ(result.config.fps, 25u);
}

TEST(Config, DuplicateKeyLastWins)
{
    FileResult result = parse_file("frames=1\nframes=2\nframes=3\n");
    EXPECT_TRUE(result.lines.empty());
    EXPECT_EQ(result.config.frames, 3u);
}

TEST(Config, EveryProblemIsOneLineAndNeverStopsTheRest)
{
    FileResult result = parse_file("video=vga\nnonsense\nwho=me\nframes=7\nfps=-1\ncpus=2\n");
    ASSERT_EQ(result.lines.size(), 4u);
    EXPECT_EQ(result.lines[0],
        "[config] bad value \"vga\" for key \"video\" (rota.cfg line 1), keeping auto");
    EXPECT_EQ(result.lines[1], "[config] line 2 has no '=' (rota.cfg), ignored");
    EXPECT_EQ(result.lines[2], "[config] unknown key \"who\" (rota.cfg line 3), ignored");
    EXPECT_EQ(
        result.lines[3], "[config] bad value \"-1\" for key \"fps\" (rota.cfg line 5), keeping 60");
    EXPECT_EQ(result.config.frames, 7u);
    EXPECT_EQ(result.config.cpus, std::optional<uint32_t>(2));
}

TEST(Config, ValueMayContainEqualsSignOnlyAsBadValue)
{
    FileResult result = parse_file("frames=1=2");
    ASSERT_EQ(result.lines.size(), 1u);
    EXPECT_EQ(result.lines[0],
        "[config] bad value \"1=2\" for key \"frames\" (rota.cfg line 1), keeping 0");
}

TEST(Config, VeryLongLineIsQuotedShort)
{
    std::string long_value(100000, '7');
    FileResult result = parse_file("frames=" + long_value + "\nfps=10\n");
    ASSERT_EQ(result.lines.size(), 1u);
    EXPECT_EQ(result.lines[0],
        "[config] bad value \"" + std::string(40, '7')
            + "...\" for key \"frames\" (rota.cfg line 1), keeping 0");
    EXPECT_EQ(result.config.fps, 10u);

    std::string long_key(5000, 'k');
    result = parse_file(long_key + "=1");
    ASSERT_EQ(result.lines.size(), 1u);
    EXPECT_EQ(result.lines[0],
        "[config] unknown key \"" + std::string(40, 'k') + "...\" (rota.cfg line 1), ignored");

    result = parse_file(std::string(70000, 'w'));
    ASSERT_EQ(result.lines.size(), 1u);
    EXPECT_EQ(result.lines[0], "[config] line 1 has no '=' (rota.cfg), ignored");
}

TEST(Config, NulBytesAreNeverTrusted)
{
    using namespace std::string_literals;
    // Inside a key or a value: bad, and shown as '?' so the log line stays whole.
    FileResult result = parse_file("fra\0mes=1\nframes=2\0\nfps=\0\n"s);
    ASSERT_EQ(result.lines.size(), 2u);
    EXPECT_EQ(result.lines[0], "[config] unknown key \"fra?mes\" (rota.cfg line 1), ignored");
    EXPECT_EQ(
        result.lines[1], "[config] bad value \"\" for key \"fps\" (rota.cfg line 3), keeping 60");
    // A trailing NUL is blank, like the zero padding after the end of a file.
    EXPECT_EQ(result.config.frames, 2u);

    result = parse_file("frames=4\n\0\0\0\0\0\0\0\0"s);
    EXPECT_TRUE(result.lines.empty());
    EXPECT_EQ(result.config.frames, 4u);

    result = parse_file("frames=5\0 junk\n"s);
    ASSERT_EQ(result.lines.size(), 1u);
    EXPECT_EQ(result.lines[0],
        "[config] bad value \"5? junk\" for key \"frames\" (rota.cfg line 1), keeping 0");
}

TEST(Config, ControlAndHighBytesAreShownAsQuestionMarks)
{
    FileResult result = parse_file("video=\x1b[31mred\xff");
    ASSERT_EQ(result.lines.size(), 1u);
    EXPECT_EQ(result.lines[0],
        "[config] bad value \"?[31mred?\" for key \"video\" (rota.cfg line 1), keeping auto");
}

TEST(Config, LoadOptions)
{
    FileResult result
        = parse_options("\\EFI\\BOOT\\BOOTX64.EFI frames=100 video=gop\tseed=0x10  gate=off");
    EXPECT_TRUE(result.lines.empty());
    EXPECT_EQ(result.config.frames, 100u);
    EXPECT_EQ(result.config.video, VideoChoice::Gop);
    EXPECT_EQ(result.config.seed, std::optional<uint64_t>(16));
    EXPECT_FALSE(result.config.gate);
}

TEST(Config, LoadOptionsWithoutEqualsAreIgnored)
{
    FileResult result = parse_options("BOOTX64.EFI verbose -x  ");
    EXPECT_TRUE(result.lines.empty());
    EXPECT_EQ(describe(result.config), default_line);
    EXPECT_TRUE(parse_options("").lines.empty());
    EXPECT_TRUE(parse_options("   \t ").lines.empty());
}

TEST(Config, LoadOptionProblemsSayLoadOptions)
{
    FileResult result = parse_options("rota.efi fps=lots colour=red =1");
    ASSERT_EQ(result.lines.size(), 3u);
    EXPECT_EQ(
        result.lines[0], "[config] bad value \"lots\" for key \"fps\" (load options), keeping 60");
    EXPECT_EQ(result.lines[1], "[config] unknown key \"colour\" (load options), ignored");
    EXPECT_EQ(result.lines[2], "[config] unknown key \"\" (load options), ignored");
}

TEST(Config, LoadOptionsOverrideTheFile)
{
    Config config;
    RecordingSink sink;
    rota::apply_config_file(config, "frames=10\nfps=30\nvideo=virtio\nmode=800x600\n", sink);
    rota::apply_load_options(config, "BOOTX64.EFI frames=20 mode=preferred fps=bad", sink);
    EXPECT_EQ(config.frames, 20u);
    EXPECT_FALSE(config.mode.has_value());
    EXPECT_EQ(config.video, VideoChoice::Virtio);
    // A bad option keeps the file's value, and says so.
    EXPECT_EQ(config.fps, 30u);
    ASSERT_EQ(sink.lines.size(), 1u);
    EXPECT_EQ(
        sink.lines[0], "[config] bad value \"bad\" for key \"fps\" (load options), keeping 30");
}

TEST(Config, LoadOptionsTolerateNulAndLineEnds)
{
    using namespace std::string_literals;
    FileResult result = parse_options("BOOTX64.EFI frames=8\r\n\0"s);
    EXPECT_TRUE(result.lines.empty());
    EXPECT_EQ(result.config.frames, 8u);
}

TEST(Config, DescribeEverySetting)
{
    Config config;
    config.video = VideoChoice::Virtio;
    config.mode = DisplayMode {1280, 800};
    config.frames = 600;
    config.gate = false;
    config.seed = 12345;
    config.perframe = false;
    config.fps = 0;
    config.cpus = 2;
    config.journal = false;
    config.irq = false;
    config.spin = SpinMode::Steady;
    config.debug = rota::DebugFaultPageFault | rota::DebugSmpSelftest | rota::DebugBlkSelftest;
    EXPECT_EQ(describe(config),
        "[config] video=virtio mode=1280x800 frames=600 gate=off seed=12345 perframe=off fps=0 "
        "cpus=2 "
        "journal=off irq=off spin=steady debug=fault-pf,smp-selftest,blk-selftest");

    config.video = VideoChoice::Gop;
    config.debug = rota::DebugFaultInvalidOpcode | rota::DebugFaultGeneralProtection
        | rota::DebugFaultDivide;
    EXPECT_NE(describe(config).find("video=gop "), std::string::npos);
    EXPECT_NE(describe(config).find("debug=fault-ud,fault-gp,fault-de"), std::string::npos);

    // Bits no name stands for can only come from code; they are shown, not hidden.
    config.debug = rota::DebugFaultDivide | 0x40000000u;
    EXPECT_NE(describe(config).find("debug=fault-de,0x40000000"), std::string::npos);
}

TEST(Config, DescribeIsParsedBackToTheSameConfig)
{
    Config config;
    config.video = VideoChoice::Gop;
    config.mode = DisplayMode {640, 480};
    config.frames = UINT64_MAX;
    config.seed = UINT64_MAX;
    config.cpus = 1024;
    config.debug = rota::DebugBlkSelftest | rota::DebugFaultPageFault;
    std::string line = describe(config);

    // "[config] a=b c=d" is a load-options string whose first token has no '='.
    FileResult parsed = parse_options(line);
    EXPECT_TRUE(parsed.lines.empty());
    EXPECT_EQ(describe(parsed.config), line);
}

TEST(Config, DescribeTruncatesSafely)
{
    Config config;
    char buffer[16];
    std::memset(buffer, 'Z', sizeof buffer);
    size_t length = rota::describe_config(config, buffer, 12);
    EXPECT_EQ(length, 11u);
    EXPECT_EQ(std::string(buffer), "[config] vi");
    EXPECT_EQ(buffer[12], 'Z');

    char guard = 'G';
    EXPECT_EQ(rota::describe_config(config, &guard, 0), 0u);
    EXPECT_EQ(guard, 'G');
}

// The key table (core/config/config_keys.cpp) as data: every row must read back
// what it prints. Each case sets one field the way code would and names the
// text a user would write for it; the test owns both.
namespace {

struct KeyCase {
    const char* key;
    const char* text;
    void (*set)(Config&);
};

const KeyCase key_cases[] = {
    {"video", "virgl", [](Config& c) { c.video = VideoChoice::Virgl; }},
    {"video", "virtio", [](Config& c) { c.video = VideoChoice::Virtio; }},
    {"video", "gop", [](Config& c) { c.video = VideoChoice::Gop; }},
    {"mode", "640x480",
        [](Config& c) {
            c.mode = DisplayMode {640, 480};
        }},
    {"mode", "16x16384",
        [](Config& c) {
            c.mode = DisplayMode {16, 16384};
        }},
    {"frames", "600", [](Config& c) { c.frames = 600; }},
    {"frames", "18446744073709551615", [](Config& c) { c.frames = UINT64_MAX; }},
    {"gate", "off", [](Config& c) { c.gate = false; }},
    {"seed", "0", [](Config& c) { c.seed = 0; }},
    {"seed", "18446744073709551615", [](Config& c) { c.seed = UINT64_MAX; }},
    {"perframe", "off", [](Config& c) { c.perframe = false; }},
    {"fps", "0", [](Config& c) { c.fps = 0; }},
    {"fps", "1000", [](Config& c) { c.fps = 1000; }},
    {"cpus", "1", [](Config& c) { c.cpus = 1; }},
    {"cpus", "1024", [](Config& c) { c.cpus = 1024; }},
    {"journal", "off", [](Config& c) { c.journal = false; }},
    {"irq", "off", [](Config& c) { c.irq = false; }},
    {"spin", "steady", [](Config& c) { c.spin = rota::SpinMode::Steady; }},
    {"debug", "fault-pf", [](Config& c) { c.debug = rota::DebugFaultPageFault; }},
    {"debug", "fault-ud", [](Config& c) { c.debug = rota::DebugFaultInvalidOpcode; }},
    {"debug", "fault-gp", [](Config& c) { c.debug = rota::DebugFaultGeneralProtection; }},
    {"debug", "fault-de", [](Config& c) { c.debug = rota::DebugFaultDivide; }},
    {"debug", "smp-selftest", [](Config& c) { c.debug = rota::DebugSmpSelftest; }},
    {"debug", "blk-selftest", [](Config& c) { c.debug = rota::DebugBlkSelftest; }},
    {"debug", "dump-acpi", [](Config& c) { c.debug = rota::DebugDumpAcpi; }},
    {"debug", "dump-pci", [](Config& c) { c.debug = rota::DebugDumpPci; }},
    {"debug", "gpu-copy", [](Config& c) { c.debug = rota::DebugGpuCopy; }},
    {"debug", "test-scene", [](Config& c) { c.debug = rota::DebugTestScene; }},
    {"debug", "full-present", [](Config& c) { c.debug = rota::DebugFullPresent; }},
    {"debug", "frame-times", [](Config& c) { c.debug = rota::DebugFrameTimes; }},
    {"debug", "gpu-fault", [](Config& c) { c.debug = rota::DebugGpuFault; }},
    {"debug", "gpu-fault-setup", [](Config& c) { c.debug = rota::DebugGpuFaultSetup; }},
    {"debug", "present-only", [](Config& c) { c.debug = rota::DebugPresentOnly; }},
    {"debug", "journal-test", [](Config& c) { c.debug = rota::DebugJournalTest; }},
    {"debug", "virgl-fault", [](Config& c) { c.debug = rota::DebugVirglFault; }},
    {"debug", "dump-capset", [](Config& c) { c.debug = rota::DebugDumpCapset; }},
    {"debug", "virgl-no-flush", [](Config& c) { c.debug = rota::DebugVirglNoFlush; }},
    {"debug", "smp-selftest,blk-selftest",
        [](Config& c) { c.debug = rota::DebugSmpSelftest | rota::DebugBlkSelftest; }},
};

// The describe line of `config`, in a buffer big enough for every flag.
std::string describe_long(const Config& config)
{
    char buffer[1024];
    rota::describe_config(config, buffer, sizeof buffer);
    return buffer;
}

} // namespace

TEST(ConfigKeys, NamesAreUniqueAndInTheSummaryOrder)
{
    std::vector<std::string> names;
    for (const rota::ConfigKey& key : rota::config_keys())
        names.emplace_back(key.name);
    EXPECT_EQ(names,
        (std::vector<std::string> {"video", "mode", "frames", "gate", "seed", "perframe", "fps",
            "cpus", "journal", "irq", "spin", "debug"}));
    for (const std::string& name : names) {
        const rota::ConfigKey* key = rota::find_config_key(name);
        ASSERT_NE(key, nullptr) << name;
        EXPECT_EQ(key->name, name);
    }
    EXPECT_EQ(rota::find_config_key("nonsense"), nullptr);
    EXPECT_EQ(rota::find_config_key(""), nullptr);
}

TEST(ConfigKeys, EveryKeyHasARoundTripCase)
{
    // A new row needs a case above; otherwise nothing says it reads back.
    for (const rota::ConfigKey& key : rota::config_keys()) {
        bool covered = false;
        for (const KeyCase& c : key_cases)
            covered = covered || key.name == c.key;
        EXPECT_TRUE(covered) << "no round-trip case for key " << key.name;
    }
}

TEST(ConfigKeys, EveryValueParsesPrintsAndReadsBack)
{
    for (const KeyCase& c : key_cases) {
        SCOPED_TRACE(std::string(c.key) + "=" + c.text);
        Config expected;
        c.set(expected);
        ASSERT_FALSE(expected == Config {}) << "the case must change the default";

        FileResult parsed = parse_file(std::string(c.key) + "=" + c.text);
        EXPECT_TRUE(parsed.lines.empty());
        EXPECT_TRUE(parsed.config == expected);

        std::string line = describe_long(expected);
        EXPECT_NE(line.find(std::string(" ") + c.key + "=" + c.text), std::string::npos) << line;
        FileResult back = parse_options(line);
        EXPECT_TRUE(back.lines.empty());
        EXPECT_TRUE(back.config == expected) << line;
    }
}

TEST(ConfigKeys, RandomConfigsReadBackFromTheirSummary)
{
    // Values drawn by the test from each key's domain, not from the table.
    const uint32_t named_flags[] = {rota::DebugFaultPageFault, rota::DebugFaultInvalidOpcode,
        rota::DebugFaultGeneralProtection, rota::DebugFaultDivide, rota::DebugSmpSelftest,
        rota::DebugBlkSelftest, rota::DebugDumpAcpi, rota::DebugDumpPci, rota::DebugGpuCopy,
        rota::DebugTestScene, rota::DebugFullPresent, rota::DebugFrameTimes, rota::DebugGpuFault,
        rota::DebugGpuFaultSetup, rota::DebugPresentOnly, rota::DebugJournalTest,
        rota::DebugVirglFault, rota::DebugDumpCapset, rota::DebugVirglNoFlush};
    std::mt19937_64 random(20261201);
    auto below = [&](uint64_t n) { return random() % n; };
    for (int round = 0; round < 2000; ++round) {
        Config config;
        config.video = VideoChoice(below(4));
        if (below(2))
            config.mode
                = DisplayMode {uint32_t(16 + below(16384 - 15)), uint32_t(16 + below(16384 - 15))};
        config.frames = below(4) == 0 ? UINT64_MAX : below(100000);
        config.gate = below(2);
        if (below(2))
            config.seed = random();
        config.perframe = below(2);
        config.fps = uint32_t(below(1001));
        if (below(2))
            config.cpus = uint32_t(1 + below(1024));
        config.journal = below(2);
        config.irq = below(2);
        for (uint32_t flag : named_flags)
            config.debug |= below(3) == 0 ? flag : 0;

        std::string line = describe_long(config);
        FileResult back = parse_options(line);
        ASSERT_TRUE(back.lines.empty()) << line;
        ASSERT_TRUE(back.config == config) << line << "\nread back as\n"
                                           << describe_long(back.config);
    }
}

TEST(Config, DropCutOptionKeepsOnlyWholeTokens)
{
    EXPECT_EQ(rota::drop_cut_option("BOOTX64.EFI fps=25 frames=6"), "BOOTX64.EFI fps=25 ");
    EXPECT_EQ(rota::drop_cut_option("fps=25\tframes=6"), "fps=25\t");
    EXPECT_EQ(rota::drop_cut_option("frames=6"), "");
    EXPECT_EQ(rota::drop_cut_option("fps=25 "), "fps=25 ");
    EXPECT_EQ(rota::drop_cut_option(""), "");
    FileResult result = parse_options(std::string(rota::drop_cut_option("fps=25 frames=6")));
    EXPECT_TRUE(result.lines.empty());
    EXPECT_EQ(result.config.fps, 25u);
    EXPECT_EQ(result.config.frames, 0u);
}
