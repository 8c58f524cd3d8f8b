#include "core/log/log.h"

#include "core/lib/format.h"
#include "core/log/log_ring.h"
#include "core/log/uart16550.h"
#include "core/sync/spinlock.h"

namespace rota {

namespace {

constexpr uint16_t com1_base = 0x3f8;
constexpr size_t max_line = 256;
constexpr size_t drain_batch = 256;

constinit Uart16550<PortIoSpace> g_uart {PortIoSpace(com1_base)};
constinit Spinlock g_lock;
constinit LogRing<32768> g_ring; // Protected by g_lock.
constinit bool g_immediate = true;

// Caller holds g_lock.
void drain_locked(size_t budget)
{
    while (!g_ring.empty() && budget-- > 0) {
        if (!g_uart.try_put(g_ring.peek()))
            return;
        g_ring.consume(1);
    }
}

} // namespace

bool log_init_serial()
{
    return g_uart.probe_and_init();
}

void vklog(const char* format_string, va_list args)
{
    char line[max_line];
    size_t length = vformat(line, sizeof line - 1, format_string, args);
    line[length++] = '\n';

    SpinlockGuard guard(g_lock);
    g_ring.push(line, length);
    if (g_immediate)
        drain_locked(SIZE_MAX);
}

void klog(const char* format_string, ...)
{
    va_list args;
    va_start(args, format_string);
    vklog(format_string, args);
    va_end(args);
}

void log_drain()
{
    SpinlockGuard guard(g_lock);
    drain_locked(drain_batch);
}

bool log_pending()
{
    SpinlockGuard guard(g_lock);
    return !g_ring.empty();
}

void log_flush()
{
    SpinlockGuard guard(g_lock);
    while (!g_ring.empty()) {
        g_uart.put_blocking(g_ring.peek());
        g_ring.consume(1);
    }
}

void log_set_immediate(bool immediate)
{
    SpinlockGuard guard(g_lock);
    g_immediate = immediate;
}

uint64_t log_dropped_lines()
{
    SpinlockGuard guard(g_lock);
    return g_ring.dropped();
}

void panic_log(const char* format_string, ...)
{
    // A crash inside klog() (this CPU holds the lock) or a wedged CPU holding it
    // must not stop the report: take the lock only if it is free.
    x86::cli();
    if (g_lock.try_lock()) {
        while (!g_ring.empty()) {
            g_uart.put_blocking(g_ring.peek());
            g_ring.consume(1);
        }
        g_lock.unlock();
    }
    char line[max_line];
    va_list args;
    va_start(args, format_string);
    size_t length = vformat(line, sizeof line - 1, format_string, args);
    va_end(args);
    line[length++] = '\n';
    for (size_t i = 0; i < length; ++i)
        g_uart.put_blocking(line[i]);
}

} // namespace rota
