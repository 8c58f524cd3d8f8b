#include "virtio/gpu/gpu_device.h"

#include <cstring>

#include "core/display/edid.h"
#include "core/log/log.h"
#include "virtio/device/device_init.h"
#include "virtio/device/features.h"
#include "virtio/gpu/commands.h"
#include "virtio/transport/config_read.h"

namespace rota::gpu {

namespace {

constinit PageDmaAllocator g_dma;

// Device configuration offsets (5.7.4).
constexpr uint32_t config_num_scanouts = 8;
constexpr uint32_t config_num_capsets = 12;

} // namespace

Expected<GpuDevice*> GpuDevice::create(virtio::VirtioPciDevice& pci, bool want_virgl)
{
    static constinit TscPollClock clock;
    virtio::DeviceInit init(pci.transport(), clock);
    auto report = [&](const char* step) {
        klog("[virtio-gpu] %s %s failed: %s", pci.name(), step, init.failure());
    };
    if (init.begin().is_error()) {
        report("reset");
        return make_error(Error::DeviceError);
    }
    uint64_t offered = pci.transport().device_features();
    uint64_t wanted = virtio::feature_bit(feature_edid) | virtio::feature::event_idx;
    if (want_virgl)
        wanted |= virtio::feature_bit(feature_virgl);
    auto features = init.negotiate({wanted, 0});
    if (features.is_error()) {
        report("feature negotiation");
        return make_error(features.error());
    }
    auto controlq = init.setup_queue(0, queue_size, g_dma);
    if (controlq.is_error()) {
        report("control queue setup");
        return make_error(controlq.error());
    }
    auto slots
        = g_dma.allocate(size_t(slot_count) * (slot_request_bytes + slot_response_bytes), 64);
    auto large = g_dma.allocate(large_response_bytes, 64);
    if (slots.is_error() || large.is_error()) {
        init.fail(Error::OutOfMemory, "no memory for command slots");
        report("allocation");
        return make_error(Error::OutOfMemory);
    }
    if (init.finish().is_error()) {
        report("DRIVER_OK");
        return make_error(Error::DeviceError);
    }

    auto* device = new GpuDevice(pci, controlq.release_value(), slots.value(), large.value());
    device->m_info.virgl_offered = (offered & virtio::feature_bit(feature_virgl)) != 0;
    device->m_info.virgl_negotiated = init.has(virtio::feature_bit(feature_virgl));
    device->m_info.edid_offered = init.has(virtio::feature_bit(feature_edid));
    klog("[virtio-gpu] %s driver_ok features=0x%lx queue=%u event_idx=%s", pci.name(),
        init.features(), device->m_controlq.size(), device->m_controlq.event_idx() ? "yes" : "no");
    TRY(device->query());
    return device;
}

GpuDevice::GpuDevice(
    virtio::VirtioPciDevice& pci, virtio::Virtqueue controlq, DmaBuffer slots, DmaBuffer large)
    : m_pci(pci)
    , m_controlq(static_cast<virtio::Virtqueue&&>(controlq))
    , m_slot_memory(slots)
    , m_large_response(large)
{
}

// GET_DISPLAY_INFO, the counts in the device configuration, GET_EDID and
// GET_CAPSET_INFO: what the display needs to choose a mode, and what the log
// reports about the device.
Expected<void> GpuDevice::query()
{
    TRY(call(make_header(CommandType::GetDisplayInfo), &m_info.display_info,
        CommandType::OkDisplayInfo));

    auto& transport = m_pci.transport();
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
        if (call(make_get_edid({0}), &edid, CommandType::OkEdid).has_value()
            && edid.size <= sizeof edid.edid)
            m_info.edid_mode = edid_preferred_mode(std::span(edid.edid, edid.size));
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

uint8_t* GpuDevice::request_area(uint16_t slot) const
{
    return static_cast<uint8_t*>(m_slot_memory.virt)
        + size_t(slot) * (slot_request_bytes + slot_response_bytes);
}
uint8_t* GpuDevice::response_area(uint16_t slot) const
{
    return request_area(slot) + slot_request_bytes;
}
PhysAddr GpuDevice::request_phys(uint16_t slot) const
{
    return m_slot_memory.phys.offset(size_t(slot) * (slot_request_bytes + slot_response_bytes));
}
PhysAddr GpuDevice::response_phys(uint16_t slot) const
{
    return request_phys(slot).offset(slot_request_bytes);
}

Unexpected GpuDevice::fail(Error error)
{
    m_failed = true;
    return make_error(error);
}

Expected<uint16_t> GpuDevice::submit_slot(const void* request, size_t length, CommandType command,
    CommandType expected, size_t expected_size, const virtio::Segment* payload, bool large_response)
{
    if (m_failed)
        return make_error(Error::DeviceError);
    if (m_in_flight == slot_count)
        return make_error(Error::Busy);
    // Slots are used round-robin; a free one is found within slot_count steps.
    uint16_t slot = m_next_slot;
    while (m_slots[slot].state != SlotState::Free)
        slot = static_cast<uint16_t>((slot + 1) % slot_count);
    m_next_slot = static_cast<uint16_t>((slot + 1) % slot_count);

    bool large = large_response || expected_size > slot_response_bytes;
    memcpy(request_area(slot), request, length);
    virtio::Segment readable[2] {{request_phys(slot), static_cast<uint32_t>(length)}};
    if (payload != nullptr)
        readable[1] = *payload;
    virtio::Segment writable {large ? m_large_response.phys : response_phys(slot),
        static_cast<uint32_t>(large ? large_response_bytes : slot_response_bytes)};
    if (auto added = m_controlq.add(
            std::span(readable, payload != nullptr ? 2 : 1), std::span(&writable, 1), slot);
        added.is_error()) {
        if (added.error() != Error::OutOfMemory)
            klog("[virtio-gpu] %s %s: control queue refused the request (%s)", name(),
                command_name(command),
                m_controlq.broken() ? m_controlq.broken_reason() : error_name(added.error()));
        return added.error() == Error::OutOfMemory ? make_error(Error::Busy) : fail(added.error());
    }
    m_slots[slot]
        = {SlotState::InFlight, command, expected, static_cast<uint16_t>(expected_size), large, 0};
    ++m_in_flight;
    ++m_commands;
    return slot;
}

Expected<void> GpuDevice::complete(const virtio::Completion& completion)
{
    if (completion.token >= slot_count || m_slots[completion.token].state != SlotState::InFlight)
        return fail(Error::DeviceError); // the queue validates ids; this would be our own bug
    Slot& slot = m_slots[completion.token];
    slot.state = SlotState::Free;
    slot.written = completion.written;
    --m_in_flight;
    auto slot_index = static_cast<uint16_t>(completion.token);
    std::span<const uint8_t> response(
        slot.large ? static_cast<const uint8_t*>(m_large_response.virt) : response_area(slot_index),
        slot.large ? large_response_bytes : slot_response_bytes);
    CommandType said {};
    if (check_response(response, completion.written, slot.expected, slot.expected_size, &said)
            .is_error()) {
        if (completion.written < sizeof(ControlHeader))
            klog("[virtio-gpu] %s %s failed: response of %u bytes, shorter than its header", name(),
                command_name(slot.command), completion.written);
        else
            klog("[virtio-gpu] %s %s failed: device answered %s (0x%x), expected %s", name(),
                command_name(slot.command), command_name(said), static_cast<uint32_t>(said),
                command_name(slot.expected));
        return fail(Error::DeviceError);
    }
    return {};
}

Expected<void> GpuDevice::kick()
{
    if (m_failed)
        return make_error(Error::DeviceError);
    auto kicked = m_controlq.kick();
    if (kicked.is_error())
        return fail(kicked.error());
    return {};
}

Expected<void> GpuDevice::reap()
{
    // Poll only while something is in flight: an empty poll is a spin, and a
    // reap that finds everything done should not count one.
    while (m_in_flight > 0) {
        auto polled = m_controlq.poll();
        if (polled.is_error()) {
            klog("[virtio-gpu] %s control queue broken: %s", name(), m_controlq.broken_reason());
            return fail(polled.error());
        }
        if (!polled.value().has_value())
            break;
        TRY(complete(*polled.value()));
    }
    return m_failed ? make_error(Error::DeviceError) : Expected<void>();
}

Expected<void> GpuDevice::drain(uint64_t timeout_ns)
{
    uint64_t deadline = m_clock.now_ns() + timeout_ns;
    while (m_in_flight > 0) {
        TRY(reap());
        if (m_in_flight == 0)
            break;
        if (m_clock.now_ns() > deadline) {
            klog("[virtio-gpu] %s device did not answer %u commands in %lu ms", name(), m_in_flight,
                timeout_ns / 1'000'000);
            return fail(Error::Timeout);
        }
        m_clock.relax();
    }
    return {};
}

void GpuDevice::shut_down()
{
    m_failed = true;
    if (virtio::reset_device(m_pci.transport(), m_clock).is_error())
        klog("[virtio-gpu] %s did not complete its reset", name());
    else
        klog("[virtio-gpu] %s reset", name());
}

Expected<uint16_t> GpuDevice::wait_slot(uint16_t slot, CommandType command)
{
    TRY(kick());
    uint64_t deadline = m_clock.now_ns() + command_timeout_ns;
    while (m_slots[slot].state == SlotState::InFlight) {
        TRY(reap());
        if (m_slots[slot].state != SlotState::InFlight)
            break;
        if (m_clock.now_ns() > deadline) {
            klog("[virtio-gpu] %s %s: no answer in %lu ms", name(), command_name(command),
                command_timeout_ns / 1'000'000);
            return fail(Error::Timeout);
        }
        m_clock.relax();
    }
    return slot;
}

Expected<void> GpuDevice::call_raw(const void* request, size_t length, CommandType command,
    CommandType expected, void* response, size_t response_length)
{
    uint16_t slot = TRY(submit_slot(request, length, command, expected, response_length));
    TRY(wait_slot(slot, command));
    if (response != nullptr) {
        const void* source
            = response_length > slot_response_bytes ? m_large_response.virt : response_area(slot);
        memcpy(response, source, response_length);
    }
    return {};
}

Expected<size_t> GpuDevice::call_variable_raw(const void* request, size_t length,
    CommandType command, CommandType expected, std::span<uint8_t> response)
{
    uint16_t slot = TRY(submit_slot(
        request, length, command, expected, sizeof(ControlHeader), nullptr, /*large*/ true));
    TRY(wait_slot(slot, command));
    // The device wrote `written` bytes of the large response area; no more
    // than that area (the queue clamps `written` to the writable length).
    size_t written = m_slots[slot].written;
    size_t copied = written < response.size() ? written : response.size();
    memcpy(response.data(), m_large_response.virt, copied);
    return written;
}

Expected<void> GpuDevice::call_payload_raw(
    const void* request, size_t length, CommandType command, virtio::Segment payload)
{
    uint16_t slot = TRY(submit_slot(
        request, length, command, CommandType::OkNodata, sizeof(ControlHeader), &payload));
    TRY(wait_slot(slot, command));
    return {};
}

Expected<void> GpuDevice::enqueue_raw(
    const void* request, size_t length, CommandType command, const virtio::Segment* payload)
{
    TRY(submit_slot(
        request, length, command, CommandType::OkNodata, sizeof(ControlHeader), payload));
    return {};
}

} // namespace rota::gpu
