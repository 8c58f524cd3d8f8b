#pragma once

#include <cstdint>

// VIRTIO_F_EVENT_IDX notification suppression (virtio 1.2, 2.7.7 and 2.7.10):
// the other side publishes the ring index at which it wants to be told. After
// moving an index from `old_idx` to `new_idx`, a notification is due when that
// move passed `event_idx`, i.e. event_idx is in [old_idx, new_idx). All three
// are free-running 16-bit counters, so the comparison is done in 16 bits and
// stays right across the wrap at 65536.

namespace rota::virtio {

constexpr bool vring_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old_idx)
{
    return uint16_t(new_idx - event_idx - 1) < uint16_t(new_idx - old_idx);
}

static_assert(vring_need_event(0, 1, 0));
static_assert(!vring_need_event(1, 1, 0));
static_assert(vring_need_event(0xffff, 1, 0xfffe)); // across the wrap
static_assert(!vring_need_event(0xfffd, 1, 0xfffe));

} // namespace rota::virtio
