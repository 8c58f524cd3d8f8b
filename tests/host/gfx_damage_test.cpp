#include "gfx/canvas/damage.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

using namespace rota;

namespace {

const Rect screen {0, 0, 1280, 800};

bool covered(const Damage& damage, int32_t x, int32_t y)
{
    for (const Rect& r : damage.rects()) {
        if (r.contains(x, y))
            return true;
    }
    return false;
}

} // namespace

TEST(Rect, IntersectBoundingAndCovers)
{
    Rect a {10, 10, 100, 50};
    Rect b {50, 40, 100, 100};
    EXPECT_EQ(a.intersect(b), (Rect {50, 40, 60, 20}));
    EXPECT_EQ(a.bounding(b), (Rect {10, 10, 140, 130}));
    EXPECT_TRUE(a.intersect({200, 200, 5, 5}).empty());
    EXPECT_TRUE(a.covers({20, 20, 10, 10}));
    EXPECT_FALSE(a.covers(b));
    EXPECT_EQ((Rect {}).bounding(a), a);
    EXPECT_EQ(Rect({-5, -5, 10, 10}).intersect(screen), (Rect {0, 0, 5, 5}));
}

TEST(Damage, ClipsToTheScreen)
{
    Damage damage(screen);
    damage.add({1270, 790, 50, 50});
    ASSERT_EQ(damage.rects().size(), 1u);
    EXPECT_EQ(damage.rects()[0], (Rect {1270, 790, 10, 10}));
    damage.add({2000, 0, 10, 10});
    EXPECT_EQ(damage.rects().size(), 1u);
}

TEST(Damage, OverlappingRectsMergeAndDistantOnesDoNot)
{
    Damage damage(screen);
    damage.add({100, 100, 200, 200});
    damage.add({150, 150, 200, 200});
    ASSERT_EQ(damage.rects().size(), 1u);
    EXPECT_EQ(damage.rects()[0], (Rect {100, 100, 250, 250}));
    damage.add({1000, 700, 20, 20}); // far away: its own rectangle
    EXPECT_EQ(damage.rects().size(), 2u);
    damage.add({120, 120, 10, 10}); // already covered
    EXPECT_EQ(damage.rects().size(), 2u);
}

TEST(Damage, AdjacentStripsMerge)
{
    Damage damage(screen);
    for (int32_t y = 0; y < 100; y += 10)
        damage.add({0, y, 1280, 10});
    ASSERT_EQ(damage.rects().size(), 1u);
    EXPECT_EQ(damage.rects()[0], (Rect {0, 0, 1280, 100}));
}

TEST(Damage, StaysDisjointAndCoversEverythingAdded)
{
    // Random rectangles: every pixel added is covered, no two rectangles
    // overlap, and the list never exceeds its capacity.
    std::mt19937 random(7);
    for (int trial = 0; trial < 200; ++trial) {
        Damage damage(Rect {0, 0, 200, 120});
        std::vector<Rect> added;
        int count = 1 + static_cast<int>(random() % 20);
        for (int i = 0; i < count; ++i) {
            Rect r {static_cast<int32_t>(random() % 220) - 10,
                static_cast<int32_t>(random() % 140) - 10, static_cast<int32_t>(random() % 60),
                static_cast<int32_t>(random() % 40)};
            damage.add(r);
            added.push_back(r.intersect(damage.bounds()));
        }
        ASSERT_LE(damage.rects().size(), Damage::capacity);
        auto rects = damage.rects();
        for (size_t a = 0; a < rects.size(); ++a)
            for (size_t b = a + 1; b < rects.size(); ++b)
                ASSERT_FALSE(rects[a].intersects(rects[b])) << "trial " << trial;
        for (const Rect& r : added)
            for (int32_t y = r.y; y < r.bottom(); ++y)
                for (int32_t x = r.x; x < r.right(); ++x)
                    ASSERT_TRUE(covered(damage, x, y))
                        << "trial " << trial << " pixel " << x << "," << y;
    }
}

TEST(Damage, FullListMergesTheCheapestPair)
{
    Damage damage(screen);
    for (int i = 0; i < 9; ++i)
        damage.add({i * 140, (i % 2) * 600, 20, 20});
    EXPECT_EQ(damage.rects().size(), Damage::capacity);
    EXPECT_LT(damage.area(), int64_t(1280) * 800 / 4); // not one screen-sized blob
}
