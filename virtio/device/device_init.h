#pragma once

#include <cstdint>

#include "core/lib/expected.h"
#include "core/mem/dma.h"
#include "core/time/poll_clock.h"
#include "virtio/queue/virtqueue.h"
#include "virtio/transport/pci_transport.h"

// Device initialisation (virtio 1.2, 3.1.1), in one place for every driver,
// as a state machine whose steps must come in order:
//
//   begin()        1-3  reset (write 0, wait for 0 on a clock), ACKNOWLEDGE, DRIVER
//   negotiate()    4-6  read the 64 feature bits, accept the driver's subset,
//                       FEATURES_OK, read it back
//   setup_queue()  7    per queue: select, size, MSI-X vector, rings, addresses,
//                       enable, doorbell (the driver's own configuration reads
//                       also belong here)
//   finish()       8    the configuration-change MSI-X vector, DRIVER_OK
//
// The MSI-X vectors come from the transport's DeviceInterrupts, when it has
// one (virtio/transport/device_interrupts.h); a vector the device does not
// accept is reported to it, and that queue is polled.
//
// Any failure sets FAILED in device_status and returns an error; failure()
// then says what went wrong, ready for a line like
// "[virtio] 00:03.0 FEATURES_OK refused". fail() does the same for a problem
// the driver finds in step 7. Calling a step out of order is a bug (asserted).
//
// A device that was given ring addresses keeps them until it is reset: before
// dropping the Virtqueues of a device that failed or is being abandoned, call
// reset_device() so it cannot write into freed memory. Drivers get this from
// virtio::Device (virtio/device/device.h), which runs these steps for them.

namespace rota::virtio {

inline constexpr uint64_t default_reset_timeout_ns = 1'000'000'000;

// Writes 0 to device_status and waits for it to read back 0 (4.1.4.3.2).
// Error::Timeout after `timeout_ns` on `clock`.
Expected<void> reset_device(
    PciTransport& transport, PollClock& clock, uint64_t timeout_ns = default_reset_timeout_ns);

struct FeatureRequest {
    uint64_t wanted {0}; // accepted when offered
    uint64_t required {0}; // refused with Error::Unsupported when not offered
};

class DeviceInit {
public:
    DeviceInit(PciTransport& transport, PollClock& clock);

    Expected<void> begin(uint64_t reset_timeout_ns = default_reset_timeout_ns);
    // VERSION_1 is always required; EVENT_IDX is taken when wanted and offered.
    // Returns the negotiated features.
    Expected<uint64_t> negotiate(const FeatureRequest& request);
    // size = min(device maximum, wanted), rounded down to a power of two.
    Expected<Virtqueue> setup_queue(uint16_t index, uint16_t wanted_size, DmaAllocator& allocator);
    Expected<void> finish();

    // Gives up on the device: sets FAILED and records `reason`.
    Unexpected fail(Error error, const char* reason);

    // What the device offered (read by negotiate()), and what was accepted.
    uint64_t offered_features() const { return m_offered; }
    uint64_t features() const { return m_features; }
    bool has(uint64_t feature_mask) const { return (m_features & feature_mask) == feature_mask; }
    const char* failure() const { return m_failure; }

private:
    enum class Stage { Start, Driver, FeaturesOk, Live, Failed };

    __attribute__((format(printf, 3, 4))) Unexpected failf(Error error, const char* format, ...);
    void add_status(uint8_t bits);
    void set_queue_vector(uint16_t index);

    PciTransport& m_transport;
    PollClock& m_clock;
    Stage m_stage {Stage::Start};
    uint8_t m_status {0};
    uint64_t m_offered {0};
    uint64_t m_features {0};
    char m_failure[96] {};
};

} // namespace rota::virtio
