#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/display/display_mode.h"
#include "core/lib/expected.h"
#include "core/log/diagnostic_sink.h"
#include "core/mem/dma.h"
#include "core/time/poll_clock.h"
#include "virtio/device/device.h"
#include "virtio/gpu/protocol.h"
#include "virtio/transport/pci_transport.h"

// The virtio-gpu device (virtio 1.2, 5.7), 2D only, a thin driver on the
// generic device (virtio/device/device.h): initialised from reset (OVMF reset
// it at ExitBootServices and rota rebuilds everything), its control queue,
// and one command path for every request. Commands live in the device's
// preallocated request slots (request and response side by side in DMA
// memory, and a buffer of 2048 bytes for the larger responses): nothing is
// allocated per command. A request may be waited for at once (call) or left
// in flight and reaped later (the frame path), and every response's type is
// checked; an error response is logged with the command and the code and
// makes the device failed. The one exception is GET_EDID: EDID is optional
// (5.7.3), so a refusal is logged and the device goes on without it.
//
// Pure: it reaches the device only through the injected transport, DMA
// allocator, clock and sink, so host tests run it against a fake device
// thread, and the kernel (virtio/gpu/gpu_probe.h) against QEMU's.

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
    // information, EDID and capsets. Every failure is one line on `sink`;
    // `name` ("00:01.0") is in every line. With `want_virgl`,
    // VIRTIO_GPU_F_VIRGL is negotiated when the device offers it.
    static Expected<GpuDevice> create(virtio::PciTransport& transport, DmaAllocator& allocator,
        PollClock& clock, DiagnosticSink& sink, const char* name, bool want_virgl = false);

    // Destroying it resets the device before its memory is freed (or keeps
    // the memory, when the reset does not complete: virtio/device/device.h).
    GpuDevice(GpuDevice&&) = default;

    const GpuInfo& info() const { return m_info; }
    const char* name() const { return m_device.name(); }
    bool failed() const { return m_device.failed(); }

    // Submits one request and waits for its response, whose type must be
    // `expected`. The response (when the caller wants more than the header)
    // is copied to `response`.
    template<class Request, class Response = ControlHeader>
    Expected<void> call(const Request& request, Response* response = nullptr,
        CommandType expected = CommandType::OkNodata)
    {
        static_assert(sizeof(Request) <= slot_request_bytes);
        static_assert(sizeof(Response) <= large_response_bytes);
        Command command {&request, sizeof request, request_type(request), expected};
        command.response = response;
        command.response_length = sizeof(Response);
        return call_raw(command);
    }

    // Submits one request whose response has a variable length (GET_CAPSET),
    // waits for it, copies what fits into `response` and returns how many
    // bytes the device wrote.
    template<class Request>
    Expected<size_t> call_variable(
        const Request& request, CommandType expected, std::span<uint8_t> response)
    {
        static_assert(sizeof(Request) <= slot_request_bytes);
        size_t written = 0;
        Command command {&request, sizeof request, request_type(request), expected};
        command.response = response.data();
        command.response_length = response.size();
        command.written = &written;
        TRY(call_raw(command));
        return written;
    }

    // A request followed on the wire by `payload`, device-readable memory the
    // caller owns and keeps unchanged until the response (SUBMIT_3D's command
    // buffer): waited for, or queued like enqueue().
    template<class Request>
    Expected<void> call_with_payload(const Request& request, virtio::Segment payload)
    {
        static_assert(sizeof(Request) <= slot_request_bytes);
        Command command {&request, sizeof request, request_type(request), CommandType::OkNodata};
        command.payload = &payload;
        return call_raw(command);
    }
    template<class Request>
    Expected<void> enqueue_with_payload(const Request& request, virtio::Segment payload)
    {
        static_assert(sizeof(Request) <= slot_request_bytes);
        Command command {&request, sizeof request, request_type(request), CommandType::OkNodata};
        command.payload = &payload;
        return enqueue_raw(command);
    }

    // The frame path: queue a request expecting OK_NODATA, without waiting.
    // Error::Busy when no slot is free (reap first).
    template<class Request>
    Expected<void> enqueue(const Request& request)
    {
        static_assert(sizeof(Request) <= slot_request_bytes);
        return enqueue_raw(
            {&request, sizeof request, request_type(request), CommandType::OkNodata});
    }
    // Rings the doorbell for everything enqueued (at most once).
    Expected<void> kick();
    // Consumes every completion that has arrived; checks each response.
    Expected<void> reap();
    // Waits until nothing is in flight (or Error::Timeout).
    Expected<void> drain(uint64_t timeout_ns = command_timeout_ns);
    uint16_t in_flight() const { return m_device.slots().in_flight(); }
    uint16_t free_slots() const
    {
        return static_cast<uint16_t>(m_device.slots().count() - in_flight());
    }

    virtio::QueueCounters take_counters() { return m_device.take_counters(); }
    // Resets the device (virtio 1.2, 2.1.1): it stops using the rings and the
    // backing. Used when the display is abandoned; a virtio-vga then shows its
    // VGA framebuffer again.
    void shut_down();
    uint64_t commands_submitted() const { return m_commands; }
    // For host tests: where the fake device finds the rings.
    const virtio::Virtqueue& queue() const { return m_device.queue(control_queue); }

private:
    static constexpr uint16_t control_queue = 0; // 5.7.2: controlq, then cursorq

    // One command as call(), call_variable(), the payload calls and
    // enqueue() submit it.
    struct Command {
        const void* request;
        size_t length;
        CommandType type;
        CommandType expected;
        void* response {nullptr}; // where the response goes once checked (calls only)
        size_t response_length {sizeof(ControlHeader)};
        // call_variable(): the response is as long as the device says, up to
        // response_length (into the large area); its length goes here.
        size_t* written {nullptr};
        const virtio::Segment* payload {nullptr}; // device-readable, after the request
        bool optional {false}; // an error answer fails this call only (Error::Unsupported)
    };
    // What the command in a slot is, for its completion.
    struct Slot {
        CommandType command {};
        CommandType expected {};
        uint16_t expected_size {0};
        bool large {false};
        void* copy_to {nullptr};
        size_t copy_bytes {0};
        size_t* written {nullptr}; // a variable response: its length, and copy at most that
        bool* refused {nullptr}; // set for an optional command the device refused
    };

    explicit GpuDevice(virtio::Device device);

    template<class Request>
    static CommandType request_type(const Request& request)
    {
        ControlHeader header;
        __builtin_memcpy(&header, &request, sizeof header);
        return header.type;
    }

    Expected<void> query();
    Expected<void> call_raw(const Command& command);
    Expected<void> enqueue_raw(const Command& command);
    Expected<uint16_t> submit(const Command& command, bool* refused);
    void complete(uint16_t slot, const virtio::Completion& completion);
    // What the device tier's reap and wait hand each completion to.
    auto completion_handler()
    {
        return [this](uint16_t slot, const virtio::Completion& completion) {
            complete(slot, completion);
        };
    }
    void report_queue_failure();

    virtio::Device m_device;
    Slot m_slots[slot_count] {};
    uint64_t m_commands {0};
    GpuInfo m_info {};
};

} // namespace rota::gpu
