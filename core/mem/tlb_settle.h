#pragma once

#include <cstdint>

// When a CPU should flush its own TLB after a burst of work, so that an
// emulator's software TLB grows to the working set.
//
// QEMU's TCG translates guest addresses through a software TLB per virtual
// CPU. It sizes that TLB only when the CPU flushes all of it, from how full
// it got since the previous flush: more than 70% full doubles it, less than
// 30% over 100 ms shrinks it (accel/tcg/cputlb.c, tlb_mmu_resize_locked). A
// kernel that never flushes keeps whatever size the last flush chose: an
// application processor keeps the small TLB its start-up left it (a few
// hundred entries at most), while the wheel's texture, maps and frame touch
// thousands of pages, so every frame misses on most of them. Measured at
// 1280x800 under QEMU 7.2: the second CPU ran 11% of a frame's bands before
// and 45% once its TLB had grown, and a frame took 1.40 ms on two CPUs
// before and 0.60 ms after.
//
// So each CPU flushes after each of its first `warm_up_jobs` jobs (each flush
// can double the size), then at most once per `interval_ns`, so that the
// size keeps following the working set: the steady frames' (the warm-up jobs
// come in the first dozen frames, with the first full frame among them) and
// a new one (another display mode). The interval is QEMU's own resize
// window. It was a second at first; then, at 1280x800 on 2 CPUs, gop rendered
// at 981 frames a second in the first second and 1185 in the next, and with
// 100 ms at 1148 from the start (3000 frames, one sitting). On hardware a
// flush of this kind costs a few thousand cycles of page walks, ten times a
// second.

namespace rota {

class TlbSettle {
public:
    static constexpr uint32_t warm_up_jobs = 12;
    static constexpr uint64_t interval_ns = 100'000'000;

    // A job of this CPU's ended at `now_ns`: whether to flush now.
    bool after_job(uint64_t now_ns)
    {
        if (m_jobs < warm_up_jobs) {
            ++m_jobs;
            m_last_flush_ns = now_ns;
            return true;
        }
        if (now_ns - m_last_flush_ns < interval_ns)
            return false;
        m_last_flush_ns = now_ns;
        return true;
    }

private:
    uint32_t m_jobs {0};
    uint64_t m_last_flush_ns {0};
};

} // namespace rota
