#pragma once

#include <cstdint>

// When a worker that has finished a parallel job (smp/parallel.h) should look
// for the next one before it halts, and for how long.
//
// Under QEMU's TCG a halted worker joins a new job about 50 us after it is
// published: the wake-up IPI, then the vCPU's host thread. Jobs that come in
// quick succession (on gop a frame's render, then its present) lose that
// twice a frame, so a worker that has just finished one looks for the next
// for a while (the linger) and joins without the IPI. Jobs a frame apart (at
// fps=60, or virtio-gpu's render while the host presents) would only burn
// the linger, so it lingers only while one of its last four jobs came within
// the linger of the end of the one before. A worker sees a job when it wakes,
// so while it halts a gap counts as quick only if it was shorter than the
// linger less the wake-up.

namespace rota {

class WorkerLinger {
public:
    static constexpr uint32_t history_mask = 0xf; // the last four jobs

    explicit constexpr WorkerLinger(uint64_t linger_ticks)
        : m_linger_ticks(linger_ticks)
    {
    }

    // This worker saw a new job at `now_tsc`.
    void job_seen(uint64_t now_tsc)
    {
        bool quick = m_one_ended && now_tsc - m_last_end_tsc < m_linger_ticks;
        m_quick_jobs = (m_quick_jobs << 1) | (quick ? 1u : 0u);
    }

    // Its part of that job ended at `now_tsc`: until when to look for the next
    // before halting (0: halt at once).
    uint64_t job_ended(uint64_t now_tsc)
    {
        m_last_end_tsc = now_tsc;
        m_one_ended = true;
        return (m_quick_jobs & history_mask) != 0 ? now_tsc + m_linger_ticks : 0;
    }

private:
    uint64_t m_linger_ticks;
    uint64_t m_last_end_tsc {0};
    bool m_one_ended {false}; // m_last_end_tsc is a job's end
    uint32_t m_quick_jobs {0}; // one bit per job seen, newest lowest: it came quickly
};

} // namespace rota
