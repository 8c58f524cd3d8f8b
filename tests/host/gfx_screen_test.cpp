// The Screen: which step of the display chain gives the display, what is
// logged on the way, and how a failed display is replaced.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gfx/display/screen.h"
#include "support/fake_display.h"

using display_test::FakeDisplay;
using display_test::FakeStep;
using display_test::JournalSink;
using Lines = std::vector<std::string>;

namespace {

constexpr const char* fallback = "Video: virgl backend unavailable; falling back to framebuffer";
constexpr const char* headless_line = "[video] backend=none: no usable display, running headless";

struct Chain {
    Lines journal;
    JournalSink sink {journal};
    FakeDisplay gpu {"virtio-gpu", 1280, 800};
    FakeDisplay gop {"gop", 1280, 800};
};

} // namespace

TEST(Screen, TheFirstStepThatWorksGivesTheDisplayWithoutAFallbackLine)
{
    Chain c;
    FakeStep gpu("virtio-gpu", &c.gpu, c.journal);
    FakeStep gop("gop", &c.gop, c.journal, fallback);
    rota::DisplayStep* steps[] = {&gpu, &gop};
    rota::Screen screen(steps, c.sink);
    screen.start();
    EXPECT_EQ(screen.display(), &c.gpu);
    EXPECT_STREQ(screen.backend_name(), "virtio-gpu");
    EXPECT_EQ(c.journal, (Lines {"open virtio-gpu"}));
    EXPECT_EQ(gop.opened, 0);
}

TEST(Screen, AFailedStepLeadsToTheNextWithItsFallbackLine)
{
    Chain c;
    FakeStep gpu("virtio-gpu", nullptr, c.journal);
    FakeStep gop("gop", &c.gop, c.journal, fallback);
    rota::DisplayStep* steps[] = {&gpu, &gop};
    rota::Screen screen(steps, c.sink);
    screen.start();
    EXPECT_EQ(screen.display(), &c.gop);
    EXPECT_EQ(c.journal, (Lines {"open virtio-gpu", fallback, "open gop"}));
    EXPECT_EQ(screen.replacements(), 0u);
}

TEST(Screen, ALoneStepThatWorksSaysNoFallback)
{
    // video=gop: the chain holds the GOP step only; it was not reached by failing.
    Chain c;
    FakeStep gop("gop", &c.gop, c.journal, fallback);
    rota::DisplayStep* steps[] = {&gop};
    rota::Screen screen(steps, c.sink);
    screen.start();
    EXPECT_EQ(c.journal, (Lines {"open gop"}));
}

TEST(Screen, NothingWorksMeansHeadless)
{
    Chain c;
    FakeStep gpu("virtio-gpu", nullptr, c.journal);
    FakeStep gop("gop", nullptr, c.journal, fallback);
    rota::DisplayStep* steps[] = {&gpu, &gop};
    rota::Screen screen(steps, c.sink);
    screen.start();
    EXPECT_TRUE(screen.headless());
    EXPECT_STREQ(screen.backend_name(), "none");
    EXPECT_EQ(screen.mode().width, 0u);
    EXPECT_EQ(c.journal, (Lines {"open virtio-gpu", fallback, "open gop", headless_line}));
}

TEST(Screen, FailOverStopsTheFailedDisplayAndOpensTheNextStep)
{
    Chain c;
    FakeStep gpu("virtio-gpu", &c.gpu, c.journal);
    FakeStep gop("gop", &c.gop, c.journal, fallback);
    rota::DisplayStep* steps[] = {&gpu, &gop};
    rota::Screen screen(steps, c.sink);
    screen.start();
    c.journal.clear();

    EXPECT_EQ(screen.fail_over(), &c.gop);
    EXPECT_EQ(c.gpu.abandoned, 1);
    EXPECT_EQ(c.gop.abandoned, 0);
    EXPECT_EQ(screen.display(), &c.gop);
    EXPECT_EQ(screen.replacements(), 1u);
    EXPECT_EQ(c.journal, (Lines {"[video] virtio-gpu stopped working", fallback, "open gop"}));
}

TEST(Screen, FailOverNeverGoesBackUpTheChain)
{
    Chain c;
    FakeDisplay third("third", 640, 480);
    FakeStep gpu("virtio-gpu", nullptr, c.journal);
    FakeStep gop("gop", &c.gop, c.journal, fallback);
    FakeStep last("third", &third, c.journal);
    rota::DisplayStep* steps[] = {&gpu, &gop, &last};
    rota::Screen screen(steps, c.sink);
    screen.start();
    ASSERT_EQ(screen.display(), &c.gop);
    EXPECT_EQ(screen.fail_over(), &third);
    EXPECT_EQ(gpu.opened, 1); // tried once at start, never again
    EXPECT_EQ(screen.mode().width, 640u);
}

TEST(Screen, TheLastDisplayFailingLeavesTheScreenHeadless)
{
    Chain c;
    FakeStep gop("gop", &c.gop, c.journal, fallback);
    rota::DisplayStep* steps[] = {&gop};
    rota::Screen screen(steps, c.sink);
    screen.start();
    c.journal.clear();
    EXPECT_EQ(screen.fail_over(), nullptr);
    EXPECT_TRUE(screen.headless());
    EXPECT_EQ(c.gop.abandoned, 1);
    EXPECT_EQ(c.journal, (Lines {"[video] gop stopped working", headless_line}));
    // Nothing left to fail over from.
    EXPECT_EQ(screen.fail_over(), nullptr);
    EXPECT_EQ(c.gop.abandoned, 1);
}
