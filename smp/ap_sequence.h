#pragma once

#include <cstdint>
#include <span>

#include "core/lib/expected.h"

// The boot CPU's side of starting application processors one at a time
// through the one trampoline page (Intel SDM vol. 3, 9.4.4.1: INIT, then up
// to two start-up IPIs, then wait), and the rule that keeps a late AP from
// running on the next AP's stack: the page (and the stack and per-CPU block
// written into it) are reused only once the previous AP is online or known to
// be parked again. An AP that may have received a start-up IPI, did not come
// online and could not be parked may still run the trampoline at any time;
// then no further AP is started. Pure: the hardware is behind ApStartPort, so
// host tests drive it with simulated APs (tests/host/ap_sequence_test.cpp).

namespace rota {

// What starting one AP can come to.
enum class ApStart : uint8_t {
    Online, // running rota
    NotStarted, // no start-up IPI was sent (INIT failed): it still waits, as before
    Parked, // no answer in time; INIT put it back to waiting for a start-up IPI
    Loose, // a start-up IPI may have reached it and INIT failed: it may run later
};
const char* ap_start_name(ApStart start);

// Only a Loose AP can still come to run the trampoline with what was written
// into it for it.
constexpr bool trampoline_reusable(ApStart start)
{
    return start != ApStart::Loose;
}

struct ApOutcome {
    ApStart start;
    bool reached_long_mode; // the trampoline's counter moved (for the log)
    bool startup_failed; // a start-up IPI was not accepted by this CPU's APIC
};

struct ApTiming {
    bool init_delay {false}; // 10 ms between INIT and SIPI (pre-P6 / pre-K8 CPUs)
    uint64_t sipi_gap_ns {200'000};
    uint64_t online_timeout_ns {1'000'000'000};
};

// The hardware, and the kernel's bookkeeping around each start.
class ApStartPort {
public:
    // INIT (assert; de-assert where the APIC needs it), parks the AP in
    // wait-for-SIPI. Error when the local APIC did not accept the IPI.
    virtual Expected<void> send_init(uint32_t apic_id) = 0;
    virtual Expected<void> send_startup(uint32_t apic_id) = 0;
    // Whether the AP has reached long mode in the trampoline / is online.
    virtual bool reached_long_mode() = 0;
    virtual bool online(uint32_t apic_id) = 0;
    virtual uint64_t now_ns() = 0;
    virtual void delay_ns(uint64_t ns) = 0;

    // Before the IPIs: give the AP its stack and per-CPU block and write them
    // into the trampoline. false: no memory, stop starting APs.
    virtual bool prepare(uint32_t apic_id) = 0;
    // After: the outcome, to log and to keep or give back its per-CPU slot.
    virtual void finished(uint32_t apic_id, const ApOutcome& outcome) = 0;

protected:
    ~ApStartPort() = default;
};

// INIT, up to two start-up IPIs (the second only if the first did not reach
// long mode), then waits for the AP to come online; one that does not in
// time (or whose start-up IPI failed) is parked again with INIT.
ApOutcome start_ap(ApStartPort& port, uint32_t apic_id, const ApTiming& timing);

struct ApBatch {
    uint32_t online; // APs that came online
    bool stopped_loose; // stopped because an AP could not be parked
    bool stopped_prepare; // stopped because prepare() failed
};

// Starts the APs of `apic_ids` in order until `wanted` are online, stopping
// for good at the first Loose one (and at a failed prepare).
ApBatch start_aps(
    ApStartPort& port, std::span<const uint32_t> apic_ids, uint32_t wanted, const ApTiming& timing);

} // namespace rota
