#include "virtio/device/device.h"

#include <cstdarg>

#include "core/lib/format.h"
#include "core/lib/text_builder.h"

namespace rota::virtio {

Device::Device(PciTransport& transport, DmaAllocator& allocator, PollClock& clock,
    DiagnosticSink& sink, const char* tag, const char* name)
    : m_transport(&transport)
    , m_allocator(&allocator)
    , m_clock(&clock)
    , m_sink(&sink)
    , m_init(transport, clock)
    , m_tag(tag)
{
    format(m_name, sizeof m_name, "%s", name);
}

Expected<Device> Device::start(PciTransport& transport, DmaAllocator& allocator, PollClock& clock,
    DiagnosticSink& sink, const char* tag, const char* name, const FeatureRequest& features)
{
    Device device(transport, allocator, clock, sink, tag, name);
    if (device.m_init.begin().is_error())
        return device.init_failed("reset", Error::DeviceError);
    auto negotiated = device.m_init.negotiate(features);
    if (negotiated.is_error())
        return device.init_failed("feature negotiation", negotiated.error());
    return device;
}

Device::~Device()
{
    if (device_holds_memory())
        (void)reset_or_keep_memory();
}

bool Device::device_holds_memory() const
{
    if (m_reset_done)
        return false;
    for (const auto& queue : m_queues) {
        if (queue.has_value() && queue->owns_rings())
            return true;
    }
    return m_slots.owns_memory();
}

// 4.1.4.3.2: the device has let go of the rings and buffers only once
// device_status reads back 0. Until then they stay allocated, whatever becomes
// of this object: a use-after-free by DMA would corrupt whatever rota put
// there next.
Expected<void> Device::reset_or_keep_memory()
{
    auto reset = reset_device(*m_transport, *m_clock);
    // Either way there is nothing left to do at teardown: the device let go
    // of the memory, or the memory is kept.
    m_reset_done = true;
    if (reset.has_value())
        return {};
    size_t kept = m_slots.keep_forever();
    for (auto& queue : m_queues) {
        if (queue.has_value())
            kept += queue->keep_rings_forever();
    }
    report("reset did not complete in %lu ms: keeping the %zu bytes of DMA memory it may still "
           "write",
        default_reset_timeout_ns / 1'000'000, kept);
    return make_error(Error::Timeout);
}

Unexpected Device::init_failed(const char* step, Error error)
{
    report("%s failed: %s", step, m_init.failure());
    format(m_failure, sizeof m_failure, "%s failed: %s", step, m_init.failure());
    return make_error(error);
}

Expected<void> Device::setup_queue(uint16_t index, uint16_t wanted_size, const char* what)
{
    ROTA_ASSERT(index < max_queues && !m_queues[index].has_value());
    auto queue = m_init.setup_queue(index, wanted_size, *m_allocator);
    if (queue.is_error()) {
        char step[48];
        format(step, sizeof step, "%s setup", what);
        return init_failed(step, queue.error());
    }
    m_queues[index].emplace(queue.release_value());
    return {};
}

Expected<void> Device::allocate_slots(const SlotLayout& layout)
{
    ROTA_ASSERT(layout.count >= 1 && layout.count <= RequestSlots::max_slots);
    ROTA_ASSERT(!m_slots.owns_memory()); // once: replacing them would free memory in use
    char reason[64];
    auto control = m_allocator->allocate(size_t(layout.count) * RequestSlots::stride(layout), 64);
    if (control.is_error()) {
        format(reason, sizeof reason, "no memory for %s", layout.control_name);
        return give_up(Error::OutOfMemory, "setup", reason);
    }
    DmaRegion buffers;
    if (layout.buffer_bytes > 0) {
        auto allocated = m_allocator->allocate(
            size_t(layout.count) * layout.buffer_bytes, layout.buffer_align);
        if (allocated.is_error()) {
            format(reason, sizeof reason, "no memory for %s", layout.buffer_name);
            return give_up(Error::OutOfMemory, "setup", reason);
        }
        buffers = allocated.release_value();
    }
    m_slots = RequestSlots(layout, control.release_value(), std::move(buffers));
    return {};
}

Unexpected Device::give_up(Error error, const char* step, const char* reason)
{
    m_init.fail(error, reason);
    return init_failed(step, error);
}

Expected<void> Device::finish()
{
    if (m_init.finish().is_error())
        return init_failed("DRIVER_OK", Error::DeviceError);
    return {};
}

WakeSignal* Device::interrupt_signal(uint16_t index) const
{
    DeviceInterrupts* interrupts = m_transport->interrupts();
    return interrupts != nullptr ? interrupts->signal(index) : nullptr;
}

Virtqueue& Device::queue(uint16_t index)
{
    ROTA_ASSERT(index < max_queues && m_queues[index].has_value());
    return *m_queues[index];
}

const Virtqueue& Device::queue(uint16_t index) const
{
    ROTA_ASSERT(index < max_queues && m_queues[index].has_value());
    return *m_queues[index];
}

Expected<void> Device::usable() const
{
    if (failed())
        return make_error(Error::DeviceError);
    return {};
}

Unexpected Device::fail(Error error, const char* format_string, ...)
{
    if (!failed()) {
        va_list args;
        va_start(args, format_string);
        vformat(m_failure, sizeof m_failure, format_string, args);
        va_end(args);
        if (m_failure[0] == 0)
            format(m_failure, sizeof m_failure, "%s", error_name(error));
    }
    return make_error(error);
}

void Device::vreport(const char* tag, const char* format_string, va_list args)
{
    char line[DiagnosticSink::max_line];
    TextBuilder text(line, sizeof line);
    text.appendf("%s %s ", tag, m_name);
    text.vappendf(format_string, args);
    m_sink->report(line);
}

void Device::report(const char* format_string, ...)
{
    va_list args;
    va_start(args, format_string);
    vreport(m_tag, format_string, args);
    va_end(args);
}

Expected<uint16_t> Device::acquire_slot()
{
    TRY(usable());
    auto slot = m_slots.acquire();
    if (!slot.has_value())
        return make_error(Error::Busy);
    return *slot;
}

Expected<void> Device::submit(uint16_t index, uint16_t slot, const SlotChain& chain)
{
    ROTA_ASSERT(m_slots.busy(slot));
    ROTA_ASSERT(chain.readable.size() <= max_extra_segments);
    ROTA_ASSERT(chain.writable.size() <= max_extra_segments);
    if (failed()) {
        m_slots.release(slot);
        return make_error(Error::DeviceError);
    }
    Segment readable[1 + max_extra_segments];
    Segment writable[max_extra_segments + 1];
    size_t readable_count = 0;
    size_t writable_count = 0;
    readable[readable_count++] = {m_slots.request_phys(slot), chain.request_bytes};
    for (const Segment& s : chain.readable)
        readable[readable_count++] = s;
    for (const Segment& s : chain.writable)
        writable[writable_count++] = s;
    if (chain.response_bytes > 0)
        writable[writable_count++] = {m_slots.response_phys(slot), chain.response_bytes};

    Virtqueue& q = queue(index);
    auto added = q.add(
        std::span(readable, readable_count), std::span(writable, writable_count), uint64_t(slot));
    if (added.has_value())
        return {};
    m_slots.release(slot);
    if (added.error() == Error::OutOfMemory)
        return make_error(Error::Busy);
    return fail(Error::DeviceError, "queue %u refused a request (%s)", index,
        q.broken() ? q.broken_reason() : error_name(added.error()));
}

Expected<void> Device::kick(uint16_t index)
{
    TRY(usable());
    Virtqueue& q = queue(index);
    if (q.kick().is_error())
        return fail(Error::DeviceError, "queue %u broken: %s", index, q.broken_reason());
    return {};
}

Expected<PollStep> Device::poll_failed(uint16_t index)
{
    return fail(Error::DeviceError, "queue %u broken: %s", index, queue(index).broken_reason());
}

QueueCounters Device::take_counters()
{
    QueueCounters sum;
    for (auto& queue : m_queues) {
        if (queue.has_value())
            sum += queue->take_counters();
    }
    return sum;
}

Expected<void> Device::shut_down()
{
    (void)fail(Error::DeviceError, "shut down");
    return reset_or_keep_memory();
}

} // namespace rota::virtio
