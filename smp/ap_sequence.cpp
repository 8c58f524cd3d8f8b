#include "smp/ap_sequence.h"

namespace rota {

const char* ap_start_name(ApStart start)
{
    switch (start) {
    case ApStart::Online:
        return "online";
    case ApStart::NotStarted:
        return "not-started";
    case ApStart::Parked:
        return "parked";
    case ApStart::Loose:
        return "loose";
    }
    return "unknown";
}

ApOutcome start_ap(ApStartPort& port, uint32_t apic_id, const ApTiming& timing)
{
    ApOutcome outcome {ApStart::NotStarted, false, false};
    uint64_t begin = port.now_ns();
    if (port.send_init(apic_id).is_error())
        return outcome; // no start-up IPI follows: the AP waits as it did
    if (timing.init_delay)
        port.delay_ns(10'000'000);
    // From the first start-up IPI on, even one the APIC did not accept in
    // time may still be delivered: the AP may start.
    for (int attempt = 0; attempt < 2 && !port.reached_long_mode(); ++attempt) {
        if (port.send_startup(apic_id).is_error()) {
            outcome.startup_failed = true;
            break;
        }
        port.delay_ns(timing.sipi_gap_ns);
    }
    if (!outcome.startup_failed) {
        while (port.now_ns() - begin < timing.online_timeout_ns) {
            if (port.online(apic_id)) {
                outcome.start = ApStart::Online;
                outcome.reached_long_mode = true;
                return outcome;
            }
            port.delay_ns(1'000);
        }
    }
    outcome.reached_long_mode = port.reached_long_mode();
    // INIT resets the AP to waiting for a start-up IPI wherever it is, also
    // after it came online a moment too late: only then may its stack and
    // the trampoline serve the next AP.
    outcome.start = port.send_init(apic_id).has_value() ? ApStart::Parked : ApStart::Loose;
    return outcome;
}

ApBatch start_aps(
    ApStartPort& port, std::span<const uint32_t> apic_ids, uint32_t wanted, const ApTiming& timing)
{
    ApBatch batch {0, false, false};
    for (uint32_t apic_id : apic_ids) {
        if (batch.online >= wanted)
            break;
        if (!port.prepare(apic_id)) {
            batch.stopped_prepare = true;
            break;
        }
        ApOutcome outcome = start_ap(port, apic_id, timing);
        port.finished(apic_id, outcome);
        if (outcome.start == ApStart::Online)
            ++batch.online;
        if (!trampoline_reusable(outcome.start)) {
            batch.stopped_loose = true;
            break;
        }
    }
    return batch;
}

} // namespace rota
