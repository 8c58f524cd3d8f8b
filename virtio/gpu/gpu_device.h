#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/display/display_mode.h"
#include "core/lib/expected.h"
#include "core/mem/page_dma_allocator.h"
#include "core/time/tsc_poll_clock.h"
#include "virtio/gpu/protocol.h"
#include "virtio/queue/virtqueue.h"
#include "virtio/transport/virtio_pci_device.h"

// The virtio-gpu device (virtio 1.2, 5.7), 2D only: initialised from reset (OVMF
// reset it at ExitBootServices and rota rebuilds everything), its control queue,
// and one command path for every request. Commands live in preallocated slots
// (request and response side by side in DMA memory): nothing is allocated per
// command. A request may be waited for at once (call) or left in flight and
// reaped later (the frame path), and every response's type is checked; an error
// response is logged with the command and the code and makes the device failed.

namespace rota::gpu {

struct GpuInfo {
    bool virgl_offered {false};
    bool virgl_negotiated {false}; // VIRTIO_GPU_F_VIRGL: the 3D commands may be used
    bool edid_offered {false};
    uint32_t num_scanouts {0};
    uint32_t num_capsets {0};
    uint32_t capset_ids[4] {};
    uint32_t capset_max_versions[4] {};
    uint32_t capset_max_sizes[4] {};
    std::optional<DisplayMode> edid_mode;
    ResponseDisplayInfo display_info {};
};

class GpuDevice {
public:
    static constexpr uint16_t queue_size = 64; // QEMU's controlq has 64 entries
    static constexpr uint16_t slot_count = queue_size / 2; // two descriptors per command
    static constexpr size_t slot_request_bytes = 128; // CTX_CREATE, the longest, is 96
    static constexpr size_t slot_response_bytes = 64;
    static constexpr size_t large_response_bytes = 2048;
    static constexpr uint64_t command_timeout_ns = 1'000'000'000;

    // Resets and initialises the device to DRIVER_OK, then reads its display
    // information, EDID and capsets. Every failure is logged. With
    // `want_virgl`, VIRTIO_GPU_F_VIRGL is negotiated when the device offers it.
    static Expected<GpuDevice*> create(virtio::VirtioPciDevice& pci, bool want_virgl = false);

    const GpuInfo& info() const { return m_info; }
    const char* name() const { return m_pci.name(); }
    bool failed() const { return m_failed; }

    // Submits one request and waits for its response, whose type must be
    // `expected`. The response (when the caller wants more than the header)
    // is copied to `response`.
    template<class Request, class Response = ControlHeader>
    Expected<void> call(const Request& request, Response* response = nullptr,
        CommandType expected = CommandType::OkNodata)
    {
        static_assert(sizeof(Request) <= slot_request_bytes);
        static_assert(sizeof(Response) <= large_response_bytes);
        return call_raw(
            &request, sizeof request, request_type(request), expected, response, sizeof(Response));
    }

    // Submits one request whose response has a variable length (GET_CAPSET),
    // waits for it, copies what fits into `response` and returns how many
    // bytes the device wrote.
    template<class Request>
    Expected<size_t> call_variable(
        const Request& request, CommandType expected, std::span<uint8_t> response)
    {
        static_assert(sizeof(Request) <= slot_request_bytes);
        return call_variable_raw(
            &request, sizeof request, request_type(request), expected, response);
    }

    // A request followed on the wire by `payload`, device-readable memory the
    // caller owns and keeps unchanged until the response (SUBMIT_3D's command
    // buffer): waited for, or queued like enqueue().
    template<class Request>
    Expected<void> call_with_payload(const Request& request, virtio::Segment payload)
    {
        static_assert(sizeof(Request) <= slot_request_bytes);
        return call_payload_raw(&request, sizeof request, request_type(request), payload);
    }
    template<class Request>
    Expected<void> enqueue_with_payload(const Request& request, virtio::Segment payload)
    {
        static_assert(sizeof(Request) <= slot_request_bytes);
        return enqueue_raw(&request, sizeof request, request_type(request), &payload);
    }

    // The frame path: queue a request expecting OK_NODATA, without waiting.
    // Error::Busy when no slot is free (reap first).
    template<class Request>
    Expected<void> enqueue(const Request& request)
    {
        static_assert(sizeof(Request) <= slot_request_bytes);
        return enqueue_raw(&request, sizeof request, request_type(request));
    }
    // Rings the doorbell for everything enqueued (at most once).
    Expected<void> kick();
    // Consumes every completion that has arrived; checks each response.
    Expected<void> reap();
    // Waits until nothing is in flight (or Error::Timeout).
    Expected<void> drain(uint64_t timeout_ns = command_timeout_ns);
    uint16_t in_flight() const { return m_in_flight; }
    uint16_t free_slots() const { return static_cast<uint16_t>(slot_count - m_in_flight); }

    virtio::QueueCounters take_counters() { return m_controlq.take_counters(); }
    // Resets the device (virtio 1.2, 2.1.1): it stops using the rings and the
    // backing. Used when the display is abandoned; a virtio-vga then shows its
    // VGA framebuffer again.
    void shut_down();
    uint64_t commands_submitted() const { return m_commands; }

private:
    enum class SlotState : uint8_t { Free, InFlight };
    struct Slot {
        SlotState state {SlotState::Free};
        CommandType command {};
        CommandType expected {};
        uint16_t expected_size {0};
        bool large {false};
        uint32_t written {0}; // what the device wrote, once complete
    };

    GpuDevice(
        virtio::VirtioPciDevice& pci, virtio::Virtqueue controlq, DmaBuffer slots, DmaBuffer large);

    template<class Request>
    static CommandType request_type(const Request& request)
    {
        ControlHeader header;
        __builtin_memcpy(&header, &request, sizeof header);
        return header.type;
    }

    Expected<void> query();
    Expected<void> call_raw(const void* request, size_t length, CommandType command,
        CommandType expected, void* response, size_t response_length);
    Expected<void> enqueue_raw(const void* request, size_t length, CommandType command,
        const virtio::Segment* payload = nullptr);
    Expected<size_t> call_variable_raw(const void* request, size_t length, CommandType command,
        CommandType expected, std::span<uint8_t> response);
    Expected<void> call_payload_raw(
        const void* request, size_t length, CommandType command, virtio::Segment payload);
    Expected<uint16_t> submit_slot(const void* request, size_t length, CommandType command,
        CommandType expected, size_t expected_size, const virtio::Segment* payload = nullptr,
        bool large_response = false);
    Expected<uint16_t> wait_slot(uint16_t slot, CommandType command);
    Expected<void> complete(const virtio::Completion& completion);
    Unexpected fail(Error error);

    uint8_t* request_area(uint16_t slot) const;
    uint8_t* response_area(uint16_t slot) const;
    PhysAddr request_phys(uint16_t slot) const;
    PhysAddr response_phys(uint16_t slot) const;

    virtio::VirtioPciDevice& m_pci;
    virtio::Virtqueue m_controlq;
    DmaBuffer m_slot_memory;
    DmaBuffer m_large_response; // one at a time: only call() uses it
    TscPollClock m_clock;
    Slot m_slots[slot_count] {};
    uint16_t m_in_flight {0};
    uint16_t m_next_slot {0};
    uint64_t m_commands {0};
    bool m_failed {false};
    GpuInfo m_info {};
};

} // namespace rota::gpu
