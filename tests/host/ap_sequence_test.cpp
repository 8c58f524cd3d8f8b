// Starting APs through one trampoline page (smp/ap_sequence.h) against
// simulated processors on a simulated clock: each AP, once a start-up IPI
// reaches it, enters the trampoline some time later and takes the stack
// written there at that moment, unless an INIT reset it first. The tests
// check that every AP that enters runs on its own stack, whatever its timing
// and whichever IPIs fail.

#include "smp/ap_sequence.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

using rota::ApBatch;
using rota::ApOutcome;
using rota::ApStart;
using rota::ApTiming;
using rota::Error;
using rota::Expected;

namespace {

constexpr uint64_t ms = 1'000'000;

struct SimulatedAp {
    // How long after a start-up IPI it enters the trampoline; nullopt: never.
    std::optional<uint64_t> enters_after_ns {1 * ms};
    int ignores_startups {0}; // the first N start-up IPIs do nothing
    bool init_fails_first {false}; // the APIC does not accept the first INIT
    bool park_fails {false}; // ... nor the INIT that would park it
    bool startup_fails {false}; // ... nor its start-up IPIs

    // Simulation state.
    std::optional<uint64_t> enter_at;
    int inits {0};
    int startups {0};
    bool entered {false};
    uint32_t stack_owner {0}; // whose stack it took
};

class SimulatedMachine final : public rota::ApStartPort {
public:
    std::map<uint32_t, SimulatedAp> aps;
    std::vector<std::string> events;
    uint64_t now {0};
    uint32_t trampoline_stack_owner {0}; // whose stack the trampoline holds
    uint32_t prepared_for {0};

    Expected<void> send_init(uint32_t id) override
    {
        SimulatedAp& ap = aps.at(id);
        ++ap.inits;
        events.push_back("INIT " + std::to_string(id));
        bool fails = (ap.inits == 1 && ap.init_fails_first) || (ap.inits > 1 && ap.park_fails);
        if (fails)
            return rota::make_error(Error::Timeout);
        ap.enter_at.reset(); // back to waiting for a start-up IPI, wherever it was
        ap.entered = false;
        online_ids.erase(id);
        return {};
    }
    Expected<void> send_startup(uint32_t id) override
    {
        SimulatedAp& ap = aps.at(id);
        events.push_back("SIPI " + std::to_string(id));
        if (ap.startup_fails)
            return rota::make_error(Error::Timeout); // and yet it may arrive
        if (ap.startups++ < ap.ignores_startups || !ap.enters_after_ns)
            return {};
        if (!ap.enter_at)
            ap.enter_at = now + *ap.enters_after_ns;
        return {};
    }
    bool reached_long_mode() override
    {
        SimulatedAp* ap = current();
        return ap != nullptr && ap->entered;
    }
    bool online(uint32_t id) override { return online_ids.count(id) != 0; }
    uint64_t now_ns() override { return now; }
    void delay_ns(uint64_t ns) override { advance(ns); }

    bool prepare(uint32_t id) override
    {
        events.push_back("prepare " + std::to_string(id));
        trampoline_stack_owner = id;
        prepared_for = id;
        return true;
    }
    void finished(uint32_t id, const ApOutcome& outcome) override
    {
        events.push_back(
            std::string(rota::ap_start_name(outcome.start)) + " " + std::to_string(id));
        outcomes[id] = outcome.start;
    }

    // Lets time pass; APs whose moment has come enter the trampoline.
    void advance(uint64_t ns)
    {
        now += ns;
        for (auto& [id, ap] : aps) {
            if (ap.enter_at && *ap.enter_at <= now && !ap.entered) {
                ap.entered = true;
                ap.stack_owner = trampoline_stack_owner;
                online_ids.insert(id);
                ap.enter_at.reset();
            }
        }
    }

    // Every AP that is running took its own stack.
    void expect_own_stacks() const
    {
        for (const auto& [id, ap] : aps) {
            if (ap.entered) {
                EXPECT_EQ(ap.stack_owner, id)
                    << "AP " << id << " runs on the stack prepared for AP " << ap.stack_owner;
            }
        }
    }

    std::map<uint32_t, ApStart> outcomes;

private:
    SimulatedAp* current()
    {
        auto it = aps.find(prepared_for);
        return it == aps.end() ? nullptr : &it->second;
    }
    std::set<uint32_t> online_ids;
};

ApBatch start(SimulatedMachine& m, std::vector<uint32_t> ids, uint32_t wanted = 100)
{
    return rota::start_aps(m, ids, wanted, ApTiming {});
}

int count(const SimulatedMachine& m, const std::string& event)
{
    int n = 0;
    for (const std::string& e : m.events)
        n += e == event;
    return n;
}

} // namespace

TEST(ApSequence, HealthyApsComeOnlineWithOneStartupEach)
{
    SimulatedMachine m;
    for (uint32_t id : {1, 2, 3}) {
        m.aps[id] = {};
        m.aps[id].enters_after_ns = 100'000; // in long mode before the second would go
    }
    ApBatch batch = start(m, {1, 2, 3});
    EXPECT_EQ(batch.online, 3u);
    EXPECT_FALSE(batch.stopped_loose);
    EXPECT_EQ(m.events,
        (std::vector<std::string> {"prepare 1", "INIT 1", "SIPI 1", "online 1", "prepare 2",
            "INIT 2", "SIPI 2", "online 2", "prepare 3", "INIT 3", "SIPI 3", "online 3"}));
    m.expect_own_stacks();
}

TEST(ApSequence, ASecondStartupWhenTheFirstDidNotTake)
{
    SimulatedMachine m;
    m.aps[1] = {};
    m.aps[1].enters_after_ns = 100'000; // within the gap after the second SIPI
    m.aps[1].ignores_startups = 1;
    EXPECT_EQ(start(m, {1}).online, 1u);
    EXPECT_EQ(count(m, "SIPI 1"), 2);
    m.expect_own_stacks();
}

TEST(ApSequence, StopsAtTheWantedCount)
{
    SimulatedMachine m;
    for (uint32_t id : {1, 2, 3})
        m.aps[id] = {};
    EXPECT_EQ(start(m, {1, 2, 3}, 2).online, 2u);
    EXPECT_EQ(count(m, "prepare 3"), 0);
}

TEST(ApSequence, ALateApIsParkedAndTheNextOneStarts)
{
    SimulatedMachine m;
    m.aps[1] = {};
    m.aps[1].enters_after_ns = 1500 * ms; // after the 1 s timeout
    m.aps[2] = {};
    ApBatch batch = start(m, {1, 2});
    EXPECT_EQ(m.outcomes[1], ApStart::Parked);
    EXPECT_EQ(m.outcomes[2], ApStart::Online);
    EXPECT_EQ(batch.online, 1u);
    EXPECT_EQ(count(m, "INIT 1"), 2); // the start and the park
    m.advance(5000 * ms); // long after: the parked AP never runs
    EXPECT_FALSE(m.aps[1].entered);
    m.expect_own_stacks();
}

TEST(ApSequence, ALateApThatCannotBeParkedStopsTheStartUp)
{
    SimulatedMachine m;
    m.aps[1] = {};
    m.aps[2] = {};
    m.aps[2].enters_after_ns = 1500 * ms;
    m.aps[2].park_fails = true;
    m.aps[3] = {};
    ApBatch batch = start(m, {1, 2, 3});
    EXPECT_EQ(m.outcomes[2], ApStart::Loose);
    EXPECT_TRUE(batch.stopped_loose);
    EXPECT_EQ(batch.online, 1u);
    EXPECT_EQ(count(m, "prepare 3"), 0) << "the trampoline was reused";
    EXPECT_EQ(count(m, "INIT 3") + count(m, "SIPI 3"), 0);
    m.advance(5000 * ms); // the loose AP turns up after all...
    EXPECT_TRUE(m.aps[2].entered);
    m.expect_own_stacks(); // ... on its own stack
}

// The detector above is not blind: reusing the trampoline after a Loose AP,
// as the kernel did before (it ignored the failed INIT and went on), lets the
// late AP take the next AP's stack.
TEST(ApSequence, ReusingTheTrampolineAfterALooseApIsCaught)
{
    SimulatedMachine m;
    m.aps[2] = {};
    m.aps[2].enters_after_ns = 1500 * ms;
    m.aps[2].park_fails = true;
    m.aps[3] = {};
    m.aps[3].enters_after_ns = 600 * ms; // slow, but in time
    for (uint32_t id : {2, 3}) {
        ASSERT_TRUE(m.prepare(id));
        m.finished(id, rota::start_ap(m, id, ApTiming {}));
    }
    EXPECT_EQ(m.outcomes[2], ApStart::Loose);
    ASSERT_TRUE(m.aps[2].entered);
    EXPECT_EQ(m.aps[2].stack_owner, 3u); // what expect_own_stacks() reports
}

TEST(ApSequence, AFailedInitSendsNoStartupAndTheNextOneStarts)
{
    SimulatedMachine m;
    m.aps[1] = {};
    m.aps[1].init_fails_first = true;
    m.aps[2] = {};
    ApBatch batch = start(m, {1, 2});
    EXPECT_EQ(m.outcomes[1], ApStart::NotStarted);
    EXPECT_EQ(count(m, "SIPI 1"), 0);
    EXPECT_EQ(batch.online, 1u);
    m.expect_own_stacks();
}

TEST(ApSequence, AFailedStartupIsParkedOrStopsTheStartUp)
{
    for (bool park_fails : {false, true}) {
        SCOPED_TRACE(park_fails ? "park fails" : "park works");
        SimulatedMachine m;
        m.aps[1] = {};
        m.aps[1].startup_fails = true;
        m.aps[1].park_fails = park_fails;
        m.aps[2] = {};
        ApBatch batch = start(m, {1, 2});
        EXPECT_EQ(m.outcomes[1], park_fails ? ApStart::Loose : ApStart::Parked);
        EXPECT_EQ(count(m, "INIT 1"), 2);
        EXPECT_EQ(batch.online, park_fails ? 0u : 1u);
        EXPECT_EQ(batch.stopped_loose, park_fails);
    }
}
