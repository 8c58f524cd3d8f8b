#pragma once

// The three memory barriers the split virtqueue needs, at the points virtio
// 1.2 names (2.7.13, 2.7.13.3, 2.7.13.4, 2.7.14). rota runs on x86-64, whose
// memory model (TSO) keeps stores in order with stores and loads with loads
// for ordinary write-back memory, which is what the rings are: the write and
// read barriers only stop the compiler from reordering. Store-then-load is the
// one order x86 does not keep, so the barrier between publishing avail.idx and
// reading the device's suppression fields is a real fence (Linux: virt_mb()).
//
// The Virtqueue calls these through counting wrappers: every call is one
// `fences` in the [VIRTIO PERF] line (docs/serial.md).

namespace rota::virtio {

// 2.7.13 step 4 / 2.7.13.3: descriptors and ring entries before avail.idx.
inline void virtio_wmb()
{
    asm volatile("" ::: "memory");
}

// 2.7.13 step 6 / 2.7.13.4: avail.idx before reading used.flags or avail_event.
inline void virtio_mb()
{
    asm volatile("mfence" ::: "memory");
}

// 2.7.14 (and 2.7.8: the device sets len before idx): used.idx before the entries.
inline void virtio_rmb()
{
    asm volatile("" ::: "memory");
}

} // namespace rota::virtio
