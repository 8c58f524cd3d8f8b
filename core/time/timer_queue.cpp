#include "core/time/timer_queue.h"

namespace rota {

Expected<TimerId> TimerQueue::add(uint64_t deadline, Callback callback, void* context)
{
    for (size_t i = 0; i < capacity; ++i) {
        Slot& slot = m_slots[i];
        if (slot.armed)
            continue;
        // A fresh generation, never 0, so that no id of an earlier use of the
        // slot matches this one.
        slot.generation = uint8_t(slot.generation + 1 == 0 ? 1 : slot.generation + 1);
        slot.deadline = deadline;
        slot.sequence = m_next_sequence++;
        slot.callback = callback;
        slot.context = context;
        slot.armed = true;
        return TimerId {id_of(i, slot.generation)};
    }
    return make_error(Error::Busy);
}

bool TimerQueue::cancel(TimerId id)
{
    size_t index = (id.value & 0xff) - 1;
    if (!id.valid() || index >= capacity)
        return false;
    Slot& slot = m_slots[index];
    if (!slot.armed || id_of(index, slot.generation) != id.value)
        return false;
    slot.armed = false;
    return true;
}

size_t TimerQueue::earliest(uint64_t sequence_limit) const
{
    size_t best = capacity;
    for (size_t i = 0; i < capacity; ++i) {
        const Slot& slot = m_slots[i];
        if (!slot.armed || slot.sequence >= sequence_limit)
            continue;
        if (best == capacity || slot.deadline < m_slots[best].deadline
            || (slot.deadline == m_slots[best].deadline && slot.sequence < m_slots[best].sequence))
            best = i;
    }
    return best;
}

std::optional<uint64_t> TimerQueue::next_deadline() const
{
    size_t best = earliest(UINT64_MAX);
    if (best == capacity)
        return std::nullopt;
    return m_slots[best].deadline;
}

size_t TimerQueue::expire(uint64_t now)
{
    uint64_t limit = m_next_sequence;
    size_t ran = 0;
    for (;;) {
        size_t best = earliest(limit);
        if (best == capacity || m_slots[best].deadline > now)
            return ran;
        Slot& slot = m_slots[best];
        // Off the queue before the callback, which may add (into this slot).
        slot.armed = false;
        Callback callback = slot.callback;
        void* context = slot.context;
        ++ran;
        if (callback != nullptr)
            callback(context);
    }
}

size_t TimerQueue::pending() const
{
    size_t count = 0;
    for (const Slot& slot : m_slots)
        count += slot.armed ? 1 : 0;
    return count;
}

} // namespace rota
