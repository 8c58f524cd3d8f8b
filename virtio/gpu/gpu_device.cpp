#include "virtio/gpu/gpu_device.h"

#include <array>
#include <cstring>

#include "core/display/edid.h"
#include "virtio/device/features.h"
#include "virtio/gpu/commands.h"
#include "virtio/transport/config_read.h"

namespace rota::gpu {

namespace {

// Device configuration offsets (5.7.4).
constexpr uint32_t config_num_scanouts = 8;
constexpr uint32_t config_num_capsets = 12;

// 5.7.6.7: the error responses are VIRTIO_GPU_RESP_ERR_UNSPEC (0x1200) and up.
bool is_error_response(CommandType type)
{
    return (static_cast<uint32_t>(type) & 0xff00) == 0x1200;
}

} // namespace

Expected<GpuDevice> GpuDevice::create(virtio::PciTransport& transport, DmaAllocator& allocator,
    PollClock& clock, DiagnosticSink& sink, const char* name, bool want_virgl)
{
    uint64_t wanted = virtio::feature_bit(feature_edid) | virtio::feature::event_idx;
    if (want_virgl)
        wanted |= virtio::feature_bit(feature_virgl);
    virtio::Device device = TRY(virtio::Device::start(
        transport, allocator, clock, sink, "[virtio-gpu]", name, {wanted, 0}));
    TRY(device.setup_queue(control_queue, queue_size, "control queue"));

    // Every way out from here drops `device`, which resets the device
    // before its rings and slots are freed.
    virtio::SlotLayout layout;
    // Two descriptors a command: the request, the response.
    auto slots = static_cast<uint16_t>(device.queue(control_queue).size() / 2);
    layout.count = slots < slot_count ? slots : slot_count;
    layout.request_bytes = slot_request_bytes;
    layout.response_bytes = slot_response_bytes;
    layout.buffer_bytes = large_response_bytes;
    layout.control_name = "command slots";
    layout.buffer_name = "command slots";
    if (layout.count == 0)
        return device.give_up(Error::Unsupported, "setup", "control queue too small");
    TRY(device.allocate_slots(layout));
    TRY(device.finish());

    GpuDevice gpu(std::move(device));
    gpu.m_info.virgl_offered
        = (gpu.m_device.offered_features() & virtio::feature_bit(feature_virgl)) != 0;
    gpu.m_info.virgl_negotiated = gpu.m_device.has(virtio::feature_bit(feature_virgl));
    gpu.m_info.edid_offered = gpu.m_device.has(virtio::feature_bit(feature_edid));
    gpu.m_device.report("driver_ok features=0x%lx queue=%u event_idx=%s", gpu.m_device.features(),
        gpu.queue().size(), gpu.queue().event_idx() ? "yes" : "no");
    TRY(gpu.query());
    return gpu;
}

GpuDevice::GpuDevice(virtio::Device device)
    : m_device(std::move(device))
{
}

// GET_DISPLAY_INFO, the counts in the device configuration, GET_EDID and
// GET_CAPSET_INFO: what the display needs to choose a mode, and what the log
// reports about the device.
Expected<void> GpuDevice::query()
{
    TRY(call(make_header(CommandType::GetDisplayInfo), &m_info.display_info,
        CommandType::OkDisplayInfo));

    auto& transport = m_device.transport();
    if (transport.device_config_length() >= sizeof(DeviceConfig)) {
        auto counts = virtio::read_config_stable(transport, [&] {
            return std::array<uint32_t, 2> {transport.read_config32(config_num_scanouts),
                transport.read_config32(config_num_capsets)};
        });
        if (counts.has_value()) {
            m_info.num_scanouts = counts.value()[0];
            m_info.num_capsets = counts.value()[1];
        }
    }

    if (m_info.edid_offered) {
        ResponseEdid edid {};
        GetEdid request = make_get_edid({0});
        Command command {&request, sizeof request, CommandType::GetEdid, CommandType::OkEdid};
        command.response = &edid;
        command.response_length = sizeof edid;
        command.optional = true;
        auto got = call_raw(command);
        if (got.has_value() && edid.size <= sizeof edid.edid)
            m_info.edid_mode = edid_preferred_mode(std::span(edid.edid, edid.size));
        else if (got.is_error() && got.error() != Error::Unsupported)
            return got; // not a refusal: the device failed
    }
    for (uint32_t i = 0; i < m_info.num_capsets && i < 4; ++i) {
        ResponseCapsetInfo capset {};
        TRY(call(make_get_capset_info(i), &capset, CommandType::OkCapsetInfo));
        m_info.capset_ids[i] = capset.capset_id;
        m_info.capset_max_versions[i] = capset.capset_max_version;
        m_info.capset_max_sizes[i] = capset.capset_max_size;
    }
    return {};
}

Expected<uint16_t> GpuDevice::submit(const Command& command, bool* refused)
{
    uint16_t slot = TRY(m_device.acquire_slot());
    virtio::RequestSlots& slots = m_device.slots();
    bool variable = command.written != nullptr;
    bool large = variable || command.response_length > slot_response_bytes;
    memcpy(slots.request(slot), command.request, command.length);
    // 5.7.6: the request and its payload (device-readable), then room for
    // the response.
    virtio::Segment large_response {slots.buffer_phys(slot), uint32_t(large_response_bytes)};
    virtio::SlotChain chain;
    chain.request_bytes = static_cast<uint32_t>(command.length);
    if (command.payload != nullptr)
        chain.readable = std::span(command.payload, 1);
    if (large)
        chain.writable = std::span(&large_response, 1);
    else
        chain.response_bytes = slot_response_bytes;
    if (auto added = m_device.submit(control_queue, slot, chain); added.is_error()) {
        if (added.error() != Error::Busy)
            m_device.report("%s: control queue refused the request (%s)",
                command_name(command.type),
                queue().broken() ? queue().broken_reason() : error_name(added.error()));
        return make_error(added.error());
    }
    // A variable response need only be a header; the device says how long it is.
    size_t expected_size = variable ? sizeof(ControlHeader) : command.response_length;
    m_slots[slot] = {command.type, command.expected, static_cast<uint16_t>(expected_size), large,
        command.response, command.response_length, command.written, refused};
    ++m_commands;
    return slot;
}

void GpuDevice::complete(uint16_t index, const virtio::Completion& completion)
{
    const Slot& slot = m_slots[index];
    const virtio::RequestSlots& slots = m_device.slots();
    std::span<const uint8_t> response(slot.large ? slots.buffer(index) : slots.response(index),
        slot.large ? large_response_bytes : slot_response_bytes);
    CommandType said {};
    if (check_response(response, completion.written, slot.expected, slot.expected_size, &said)
            .has_value()) {
        size_t copy = slot.copy_bytes;
        if (slot.written != nullptr) {
            *slot.written = completion.written;
            copy = completion.written < copy ? completion.written : copy;
        }
        if (slot.copy_to != nullptr)
            memcpy(slot.copy_to, response.data(), copy);
        return;
    }
    if (completion.written < sizeof(ControlHeader)) {
        m_device.report("%s failed: response of %u bytes, shorter than its header",
            command_name(slot.command), completion.written);
    } else if (slot.refused != nullptr && is_error_response(said)) {
        m_device.report("%s failed: device answered %s (0x%x), expected %s: going on without it",
            command_name(slot.command), command_name(said), static_cast<uint32_t>(said),
            command_name(slot.expected));
        *slot.refused = true;
        return;
    } else {
        m_device.report("%s failed: device answered %s (0x%x), expected %s",
            command_name(slot.command), command_name(said), static_cast<uint32_t>(said),
            command_name(slot.expected));
    }
    (void)m_device.fail(
        Error::DeviceError, "%s answered %s", command_name(slot.command), command_name(said));
}

void GpuDevice::report_queue_failure()
{
    if (queue().broken())
        m_device.report("control queue broken: %s", queue().broken_reason());
}

Expected<void> GpuDevice::kick()
{
    return m_device.kick(control_queue);
}

Expected<void> GpuDevice::reap()
{
    auto reaped = m_device.reap(control_queue, completion_handler());
    if (reaped.is_error())
        report_queue_failure();
    return reaped;
}

Expected<void> GpuDevice::drain(uint64_t timeout_ns)
{
    auto drained = m_device.wait(
        control_queue, timeout_ns, [this] { return in_flight() == 0; }, completion_handler());
    if (drained.has_value())
        return {};
    if (drained.error() == Error::Timeout)
        m_device.report(
            "device did not answer %u commands in %lu ms", in_flight(), timeout_ns / 1'000'000);
    else
        report_queue_failure();
    return drained;
}

void GpuDevice::shut_down()
{
    if (m_device.shut_down().is_error())
        m_device.report("did not complete its reset");
    else
        m_device.report("reset");
}

Expected<void> GpuDevice::call_raw(const Command& command)
{
    bool refused = false;
    uint16_t slot = TRY(submit(command, command.optional ? &refused : nullptr));
    TRY(kick());
    auto waited = m_device.wait(
        control_queue, command_timeout_ns, [&] { return !m_device.slots().busy(slot); },
        completion_handler());
    if (waited.is_error()) {
        if (waited.error() == Error::Timeout)
            m_device.report("%s: no answer in %lu ms", command_name(command.type),
                command_timeout_ns / 1'000'000);
        else
            report_queue_failure();
        return waited;
    }
    if (refused)
        return make_error(Error::Unsupported);
    return {};
}

Expected<void> GpuDevice::enqueue_raw(const Command& command)
{
    TRY(submit(command, nullptr));
    return {};
}

} // namespace rota::gpu
