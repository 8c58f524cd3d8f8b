#include "core/cpu/stack_walk.h"

#include <gtest/gtest.h>

#include <cstdint>

using namespace rota;

namespace {

// A fake stack: frames at word indices, each [saved rbp][return address].
struct FakeStack {
    alignas(16) uint64_t words[64] {};
    uint64_t address(int index) const { return reinterpret_cast<uint64_t>(&words[index]); }
    StackBounds bounds() const { return {address(0), address(64)}; }
    void frame(int index, uint64_t saved_rbp, uint64_t return_address)
    {
        words[index] = saved_rbp;
        words[index + 1] = return_address;
    }
};

} // namespace

TEST(StackWalk, FollowsTheChainToItsEnd)
{
    FakeStack stack;
    stack.frame(4, stack.address(10), 0x1111);
    stack.frame(10, stack.address(20), 0x2222);
    stack.frame(20, 0, 0x3333); // rbp 0 ends the chain (enter_kernel sets it)
    uint64_t out[8];
    int count = walk_frame_pointers(stack.address(4), stack.bounds(), out, 8);
    ASSERT_EQ(count, 3);
    EXPECT_EQ(out[0], 0x1111u);
    EXPECT_EQ(out[1], 0x2222u);
    EXPECT_EQ(out[2], 0x3333u);
}

TEST(StackWalk, StopsAtALoop)
{
    FakeStack stack;
    stack.frame(4, stack.address(10), 0x1111);
    stack.frame(10, stack.address(4), 0x2222); // points back down: corrupt
    uint64_t out[8];
    EXPECT_EQ(walk_frame_pointers(stack.address(4), stack.bounds(), out, 8), 2);
}

TEST(StackWalk, StopsLeavingTheStack)
{
    FakeStack stack;
    stack.frame(4, 0xdeadbeef000ull, 0x1111);
    uint64_t out[8];
    EXPECT_EQ(walk_frame_pointers(stack.address(4), stack.bounds(), out, 8), 1);
    EXPECT_EQ(walk_frame_pointers(0x10, stack.bounds(), out, 8), 0);
}

TEST(StackWalk, StopsAtMisalignedFrame)
{
    FakeStack stack;
    stack.frame(4, stack.address(10) + 3, 0x1111);
    uint64_t out[8];
    EXPECT_EQ(walk_frame_pointers(stack.address(4), stack.bounds(), out, 8), 1);
}

TEST(StackWalk, FrameAtTheTopIsNotReadPastTheEnd)
{
    FakeStack stack;
    stack.frame(62, 0, 0x4444); // the last two words
    uint64_t out[8];
    EXPECT_EQ(walk_frame_pointers(stack.address(62), stack.bounds(), out, 8), 1);
    EXPECT_EQ(walk_frame_pointers(stack.address(63), stack.bounds(), out, 8), 0);
}

TEST(StackWalk, RespectsCapacity)
{
    FakeStack stack;
    for (int i = 0; i < 10; ++i)
        stack.frame(i * 4, stack.address(i * 4 + 4), 0x100 + i);
    uint64_t out[3];
    EXPECT_EQ(walk_frame_pointers(stack.address(0), stack.bounds(), out, 3), 3);
}

TEST(StackWalk, UnknownStackGivesNoTrace)
{
    FakeStack stack;
    stack.frame(4, 0, 0x1111);
    uint64_t out[8];
    EXPECT_EQ(walk_frame_pointers(stack.address(4), {0, 0}, out, 8), 0);
}
