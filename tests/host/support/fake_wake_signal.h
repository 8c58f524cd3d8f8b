#pragma once

// A WakeSignal for host tests: a fake device thread signals it (its
// "interrupt"), the driver's thread "halts" on it by yielding until it is
// signalled or the deadline passes on the real clock. It counts what happened,
// and on_arm lets a test act inside the window between the driver's last look
// and its enabling callbacks.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <thread>

#include "core/sync/wake_signal.h"

namespace virtio_test {

class FakeWakeSignal final : public rota::WakeSignal {
public:
    void arm() override
    {
        ++arms;
        m_signalled.store(false, std::memory_order_seq_cst);
        if (on_arm)
            on_arm();
    }
    void sleep_until(uint64_t deadline_ns) override
    {
        ++sleeps;
        while (!m_signalled.load(std::memory_order_acquire)) {
            if (now_ns() >= deadline_ns) {
                ++expired;
                return;
            }
            std::this_thread::yield();
        }
    }
    // From any thread.
    void signal()
    {
        m_signalled.store(true, std::memory_order_release);
        signals.fetch_add(1);
    }

    std::function<void()> on_arm;
    std::atomic<uint64_t> signals {0};
    uint64_t arms {0}; // the waiting thread's own counts
    uint64_t sleeps {0};
    uint64_t expired {0}; // sleeps that ran into their deadline

private:
    static uint64_t now_ns()
    {
        return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::steady_clock::now().time_since_epoch())
                            .count());
    }
    std::atomic<bool> m_signalled {false};
};

} // namespace virtio_test
