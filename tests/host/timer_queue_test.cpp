// The per-CPU timer queue: earliest deadline first, cancellation by id that a
// reused slot cannot confuse, callbacks that re-arm, and a full queue that
// says so.

#include <gtest/gtest.h>

#include <vector>

#include "core/cpu/apic_timer_math.h"
#include "core/time/timer_queue.h"

using rota::Error;
using rota::TimerId;
using rota::TimerQueue;

namespace {

struct Log {
    std::vector<int> fired;
};

struct Tag {
    Log* log;
    int value;
};

void record(void* context)
{
    auto* tag = static_cast<Tag*>(context);
    tag->log->fired.push_back(tag->value);
}

} // namespace

TEST(TimerQueue, EmptyHasNoDeadline)
{
    TimerQueue queue;
    EXPECT_FALSE(queue.next_deadline().has_value());
    EXPECT_EQ(queue.expire(1'000'000), 0u);
    EXPECT_EQ(queue.pending(), 0u);
}

TEST(TimerQueue, ExpiresInDeadlineOrderAndOnlyWhatIsDue)
{
    TimerQueue queue;
    Log log;
    Tag a {&log, 1}, b {&log, 2}, c {&log, 3};
    ASSERT_TRUE(queue.add(300, record, &c).has_value());
    ASSERT_TRUE(queue.add(100, record, &a).has_value());
    ASSERT_TRUE(queue.add(200, record, &b).has_value());
    EXPECT_EQ(queue.next_deadline(), 100u);
    EXPECT_EQ(queue.expire(99), 0u);
    EXPECT_EQ(queue.expire(250), 2u);
    EXPECT_EQ(log.fired, (std::vector<int> {1, 2}));
    EXPECT_EQ(queue.next_deadline(), 300u);
    EXPECT_EQ(queue.expire(300), 1u) << "a deadline equal to now is due";
    EXPECT_EQ(log.fired, (std::vector<int> {1, 2, 3}));
    EXPECT_FALSE(queue.next_deadline().has_value());
}

TEST(TimerQueue, EqualDeadlinesRunInTheOrderAdded)
{
    TimerQueue queue;
    Log log;
    Tag tags[4] = {{&log, 0}, {&log, 1}, {&log, 2}, {&log, 3}};
    for (Tag& tag : tags)
        ASSERT_TRUE(queue.add(50, record, &tag).has_value());
    queue.expire(50);
    EXPECT_EQ(log.fired, (std::vector<int> {0, 1, 2, 3}));
}

TEST(TimerQueue, CancelledTimersDoNotRun)
{
    TimerQueue queue;
    Log log;
    Tag a {&log, 1}, b {&log, 2};
    auto first = queue.add(10, record, &a);
    auto second = queue.add(20, record, &b);
    ASSERT_TRUE(first.has_value() && second.has_value());
    EXPECT_TRUE(queue.cancel(*first));
    EXPECT_FALSE(queue.cancel(*first)) << "twice";
    EXPECT_EQ(queue.next_deadline(), 20u);
    queue.expire(100);
    EXPECT_EQ(log.fired, (std::vector<int> {2}));
    EXPECT_FALSE(queue.cancel(*second)) << "already expired";
    EXPECT_FALSE(queue.cancel(TimerId {}));
    EXPECT_FALSE(queue.cancel(TimerId {0xff}));
}

TEST(TimerQueue, AStaleIdDoesNotCancelTheSlotsNextTimer)
{
    TimerQueue queue;
    auto old_id = queue.add(10);
    ASSERT_TRUE(old_id.has_value());
    queue.expire(10);
    auto new_id = queue.add(20); // the same slot, a new generation
    ASSERT_TRUE(new_id.has_value());
    EXPECT_NE(old_id->value, new_id->value);
    EXPECT_FALSE(queue.cancel(*old_id));
    EXPECT_EQ(queue.pending(), 1u);
    EXPECT_TRUE(queue.cancel(*new_id));
}

TEST(TimerQueue, FullQueueIsBusyUntilASlotFrees)
{
    TimerQueue queue;
    TimerId ids[TimerQueue::capacity];
    for (size_t i = 0; i < TimerQueue::capacity; ++i) {
        auto id = queue.add(1000 + i);
        ASSERT_TRUE(id.has_value());
        ids[i] = *id;
    }
    auto full = queue.add(5);
    ASSERT_TRUE(full.is_error());
    EXPECT_EQ(full.error(), Error::Busy);
    EXPECT_TRUE(queue.cancel(ids[3]));
    EXPECT_TRUE(queue.add(5).has_value());
    EXPECT_EQ(queue.next_deadline(), 5u);
}

namespace {

struct Periodic {
    TimerQueue* queue;
    uint64_t next;
    int runs = 0;
};

void rearm(void* context)
{
    auto* p = static_cast<Periodic*>(context);
    ++p->runs;
    p->next += 10;
    // Due at once (next <= the expiry's now) for the first re-arms.
    ASSERT_TRUE(p->queue->add(p->next, rearm, p).has_value());
}

} // namespace

TEST(TimerQueue, ACallbackThatReArmsRunsAgainOnlyAtTheNextExpiry)
{
    TimerQueue queue;
    Periodic p {&queue, 0};
    ASSERT_TRUE(queue.add(0, rearm, &p).has_value());
    EXPECT_EQ(queue.expire(1000), 1u) << "its new timer, although due, waits";
    EXPECT_EQ(p.runs, 1);
    EXPECT_EQ(queue.next_deadline(), 10u);
    EXPECT_EQ(queue.expire(1000), 1u);
    EXPECT_EQ(p.runs, 2);
}

TEST(ApicTimerMath, TscDeadlineModeOnlyWhereCpuidSaysSo)
{
    EXPECT_EQ(rota::apic_timer_mode_for(1u << 24), rota::ApicTimerMode::TscDeadline);
    EXPECT_EQ(rota::apic_timer_mode_for(0xfeffffffu), rota::ApicTimerMode::OneShot);
}

TEST(ApicTimerMath, OneShotCountsNeverExpireEarly)
{
    // QEMU's timer at divide 16: 62.5 MHz; a 2.6 GHz TSC.
    constexpr uint64_t tsc = 2'600'000'000, timer = 62'500'000;
    for (uint64_t delta : {1ull, 41ull, 42ull, 1'000ull, 16'666'666ull * 26 / 10, 2'600'000'001ull,
             77'000'000'000ull}) {
        uint32_t count = rota::one_shot_count(delta, tsc, timer);
        // The count's duration, in TSC ticks, covers the delta...
        long double covered = (long double)count * tsc / timer;
        EXPECT_GE(covered + 1e-6, (long double)delta) << delta;
        // ...by less than one timer tick more.
        EXPECT_LT(covered - (long double)delta, (long double)tsc / timer + 1) << delta;
    }
    EXPECT_EQ(rota::one_shot_count(0, tsc, timer), 1u);
    EXPECT_EQ(rota::one_shot_count(400'000'000'000ull, tsc, timer), 0xffffffffu)
        << "past the 32-bit counter: the longest wait, re-armed on expiry";
    EXPECT_EQ(rota::one_shot_count(100, 0, timer), 1u) << "uncalibrated: fire at once";
}
