#include "virtio/queue/virtqueue.h"

#include <cstdarg>

#include "core/lib/format.h"
#include "virtio/queue/barriers.h"
#include "virtio/queue/event_idx.h"
#include "virtio/queue/shared_field.h"

namespace rota::virtio {

Expected<Virtqueue> Virtqueue::create(
    DmaAllocator& allocator, Notifier& notifier, const VirtqueueConfig& config)
{
    // Our own invariant: the device-init code picks a power-of-two size.
    ROTA_ASSERT(config.size >= 1 && config.size <= max_queue_size
        && (config.size & (config.size - 1)) == 0);
    RingLayout layout = RingLayout::for_size(config.size);
    // Aligned for the descriptor table (16) and so the used ring's cache-line
    // placement holds in memory too.
    DmaRegion ring = TRY(allocator.allocate(layout.total_bytes, RingLayout::used_placement));
    size_t shadow_bytes = config.size * (sizeof(ShadowDesc) + sizeof(ChainState));
    DmaRegion shadow = TRY(allocator.allocate(shadow_bytes, alignof(ShadowDesc)));
    return Virtqueue(notifier, config, std::move(ring), std::move(shadow));
}

Virtqueue::Virtqueue(
    Notifier& notifier, const VirtqueueConfig& config, DmaRegion ring, DmaRegion shadow)
    : m_notifier(&notifier)
    , m_config(config)
    , m_layout(RingLayout::for_size(config.size))
    , m_ring(std::move(ring))
    , m_shadow(std::move(shadow))
    , m_free_count(config.size)
{
    ROTA_ASSERT(m_ring.phys().get() % RingLayout::used_placement == 0);
    uint8_t* bytes = m_ring.bytes();
    for (size_t i = 0; i < m_layout.total_bytes; ++i)
        bytes[i] = 0; // 2.7.10: used.flags starts at 0; every index starts at 0
    ShadowDesc* desc = shadow_desc();
    ChainState* chain = chains();
    for (uint16_t i = 0; i < config.size; ++i) {
        desc[i] = ShadowDesc {0, 0, 0, uint16_t(i + 1)};
        chain[i] = ChainState {0, 0, 0, 0, 0};
    }
    // Callbacks start disabled: the owner polls until it chooses to sleep.
    disable_callbacks();
}

VirtqDesc* Virtqueue::shared_desc(uint16_t i) const
{
    return m_ring.as<VirtqDesc>() + i;
}

uint16_t* Virtqueue::avail_field(size_t offset) const
{
    return m_ring.as<uint16_t>(m_layout.avail_offset + offset);
}

uint16_t* Virtqueue::used_field(size_t offset) const
{
    return m_ring.as<uint16_t>(m_layout.used_offset + offset);
}

void Virtqueue::write_barrier()
{
    ++m_counters.fences;
    virtio_wmb();
}

void Virtqueue::full_barrier()
{
    ++m_counters.fences;
    virtio_mb();
}

void Virtqueue::read_barrier()
{
    ++m_counters.fences;
    virtio_rmb();
}

Unexpected Virtqueue::mark_broken(const char* format_string, ...)
{
    va_list args;
    va_start(args, format_string);
    vformat(m_broken_reason, sizeof(m_broken_reason), format_string, args);
    va_end(args);
    if (m_broken_reason[0] == 0)
        m_broken_reason[0] = '?';
    return make_error(Error::DeviceError);
}

Expected<void> Virtqueue::add(
    std::span<const Segment> readable, std::span<const Segment> writable, uint64_t token)
{
    if (broken())
        return make_error(Error::DeviceError);
    size_t count = readable.size() + writable.size();
    if (count == 0 || count > m_config.size)
        return make_error(Error::InvalidArgument);
    uint64_t writable_bytes = 0;
    for (const Segment& s : readable) {
        if (s.length == 0)
            return make_error(Error::InvalidArgument);
    }
    for (const Segment& s : writable) {
        if (s.length == 0)
            return make_error(Error::InvalidArgument);
        writable_bytes += s.length;
    }
    if (count > m_free_count)
        return make_error(Error::OutOfMemory);

    // 2.7.13.1: take descriptors off the free list (linked through the
    // shadow's next fields) and fill both the shadow and the shared table.
    uint16_t head = m_free_head;
    uint16_t current = head;
    for (size_t i = 0; i < count; ++i) {
        bool is_writable = i >= readable.size();
        const Segment& s = is_writable ? writable[i - readable.size()] : readable[i];
        ShadowDesc& d = shadow_desc()[current];
        uint16_t next_free = d.next;
        bool last = i + 1 == count;
        d.addr = s.address.get();
        d.len = s.length;
        d.flags = uint16_t((is_writable ? desc_flags::write : 0) | (last ? 0 : desc_flags::next));
        d.next = last ? 0 : next_free;
        *shared_desc(current) = VirtqDesc {d.addr, d.len, d.flags, d.next};
        if (last) {
            m_free_head = next_free;
            chains()[head] = ChainState {token,
                uint32_t(writable_bytes > UINT32_MAX ? UINT32_MAX : writable_bytes),
                uint16_t(count), current, m_kicks};
        }
        current = next_free;
    }
    m_free_count = uint16_t(m_free_count - count);

    // 2.7.13.2: the head goes into the next available slot; idx waits for kick().
    uint16_t slot = uint16_t(m_avail_idx + m_unpublished) & uint16_t(m_config.size - 1);
    *avail_field(RingLayout::avail_ring(slot)) = head;
    ++m_unpublished;
    ++m_in_flight;
    return {};
}

Expected<bool> Virtqueue::kick()
{
    if (broken())
        return make_error(Error::DeviceError);
    if (m_unpublished == 0)
        return false;
    uint16_t old_idx = m_avail_idx;
    uint16_t new_idx = uint16_t(old_idx + m_unpublished);
    // 2.7.13 step 4: the descriptors and ring entries are visible before idx.
    write_barrier();
    store_release(avail_field(RingLayout::avail_idx), new_idx); // step 5
    m_avail_idx = new_idx;
    m_unpublished = 0;
    ++m_kicks;
    // 2.7.13 step 6 / 2.7.13.4: idx is visible before we read the device's
    // suppression fields, or we could miss the notification it wants.
    full_barrier();
    bool needed;
    if (m_config.event_idx)
        needed = vring_need_event(
            load_relaxed(used_field(m_layout.avail_event())), new_idx, old_idx); // 2.7.10
    else
        needed = (load_relaxed(used_field(RingLayout::used_flags)) & used_flag_no_notify) == 0;
    if (needed) {
        ++m_counters.notifies;
        m_notifier->notify(Doorbell {m_config.index, m_config.notify_offset}); // step 7
    }
    return needed;
}

Expected<std::optional<Completion>> Virtqueue::poll()
{
    if (broken())
        return make_error(Error::DeviceError);
    if (m_last_used == m_seen_used) {
        uint16_t used_idx = load_acquire(used_field(RingLayout::used_idx));
        if (used_idx == m_last_used) {
            ++m_counters.spins;
            return std::optional<Completion>();
        }
        // The device can only have used what kick() published.
        uint16_t advanced = uint16_t(used_idx - m_last_used);
        uint16_t published = uint16_t(m_in_flight - m_unpublished);
        if (advanced > published)
            return mark_broken("used.idx %u is %u past %u with %u published", used_idx, advanced,
                m_last_used, published);
        // 2.7.14: the entries up to used.idx are read only after used.idx.
        read_barrier();
        m_seen_used = used_idx;
    }
    return consume_one();
}

Expected<std::optional<Completion>> Virtqueue::consume_one()
{
    uint16_t slot = m_last_used & uint16_t(m_config.size - 1);
    auto* elem = m_ring.as<VirtqUsedElem>(m_layout.used_offset + RingLayout::used_ring(slot));
    // Copied once; only the copies are checked and used.
    uint32_t id = elem->id;
    uint32_t len = elem->len;
    if (id >= m_config.size)
        return mark_broken("used id %u out of range (size %u)", id, m_config.size);
    ChainState& chain = chains()[id];
    if (chain.length == 0)
        return mark_broken("used id %u is not the head of a chain in flight", id);
    // Its head is in the available ring already, but not below avail.idx: the
    // device cannot have seen it (2.7.13 step 5), and freeing it now would let
    // the next kick publish descriptors that are back on the free list.
    if (chain.batch == m_kicks)
        return mark_broken("used id %u is a chain not published yet", id);

    Completion completion {chain.token, len, false};
    if (len > chain.writable_bytes) {
        completion.written = chain.writable_bytes;
        completion.len_clamped = true;
        ++m_counters.len_overreports;
    }
    // The chain goes back on the free list as it was built: by the shadow's links.
    shadow_desc()[chain.tail].next = m_free_head;
    m_free_head = uint16_t(id);
    m_free_count = uint16_t(m_free_count + chain.length);
    chain.length = 0;
    --m_in_flight;
    ++m_last_used;
    ++m_counters.completions;
    // With EVENT_IDX, used_event follows the consumed entries: one behind
    // them while callbacks are off (used.idx, at most `size` ahead, cannot
    // reach it), at the next entry while they are on (2.7.10).
    if (m_config.event_idx)
        store_relaxed(avail_field(m_layout.used_event()),
            uint16_t(m_callbacks_enabled ? m_last_used : m_last_used - 1));
    return std::optional<Completion>(completion);
}

Expected<Completion> Virtqueue::wait(PollClock& clock, uint64_t timeout_ns)
{
    Completion completion {};
    auto waited = poll_until(clock, timeout_ns, [&]() -> Expected<PollStep> {
        auto result = TRY(poll());
        if (!result.has_value())
            return PollStep::Idle;
        completion = *result;
        return PollStep::Done;
    });
    if (waited.is_error())
        return make_error(waited.error());
    return completion;
}

uint16_t Virtqueue::enable_callbacks_prepare(uint16_t count)
{
    uint16_t published = uint16_t(m_in_flight - m_unpublished);
    if (count > published)
        count = published;
    if (count == 0)
        count = 1;
    m_callback_count = count;
    m_callbacks_enabled = true;
    // 2.7.10: notify when used.idx passes used_event, i.e. once the entry at
    // m_last_used + count - 1 is written. Without EVENT_IDX, the flag (2.7.7).
    if (m_config.event_idx)
        store_relaxed(avail_field(m_layout.used_event()), uint16_t(m_last_used + count - 1));
    else
        store_relaxed(avail_field(RingLayout::avail_flags), 0);
    return m_last_used;
}

bool Virtqueue::has_arrived(uint16_t snapshot)
{
    // 2.7.10 / 2.7.7.1: the store above is visible before used.idx is read:
    // store-then-load, the order only a real fence keeps. The device fences
    // the other way, so one of the two sides sees the other.
    full_barrier();
    uint16_t used_idx = load_acquire(used_field(RingLayout::used_idx));
    return uint16_t(used_idx - snapshot) >= m_callback_count;
}

bool Virtqueue::enable_callbacks(uint16_t count)
{
    return !has_arrived(enable_callbacks_prepare(count));
}

void Virtqueue::disable_callbacks()
{
    m_callbacks_enabled = false;
    if (m_config.event_idx)
        store_relaxed(avail_field(m_layout.used_event()), uint16_t(m_last_used - 1));
    else
        store_relaxed(avail_field(RingLayout::avail_flags), avail_flag_no_interrupt);
}

bool Virtqueue::has_used()
{
    return m_last_used != m_seen_used
        || load_acquire(used_field(RingLayout::used_idx)) != m_last_used;
}

void Virtqueue::sleep_until_used(WakeSignal& signal, uint64_t deadline_ns, uint16_t count)
{
    if (broken() || has_used())
        return;
    // Armed before callbacks go on: a notification for what follows cannot
    // come before the arm, so it cannot be forgotten by it.
    signal.arm();
    if (enable_callbacks(count))
        signal.sleep_until(deadline_ns);
    disable_callbacks();
}

Expected<Completion> Virtqueue::wait(PollClock& clock, WakeSignal& signal, uint64_t timeout_ns)
{
    uint64_t start = clock.now_ns();
    for (;;) {
        if (broken())
            return make_error(Error::DeviceError);
        // Poll only what has arrived: a look that finds nothing before a
        // sleep is not a spin.
        if (has_used()) {
            auto result = TRY(poll());
            if (result.has_value())
                return *result;
        }
        uint64_t now = clock.now_ns();
        if (now - start >= timeout_ns)
            return make_error(Error::Timeout);
        uint64_t deadline = timeout_ns > UINT64_MAX - start ? UINT64_MAX : start + timeout_ns;
        sleep_until_used(signal, deadline);
    }
}

QueueCounters Virtqueue::take_counters()
{
    QueueCounters counters = m_counters;
    m_counters = QueueCounters {};
    return counters;
}

} // namespace rota::virtio
