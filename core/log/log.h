#pragma once

#include <cstdarg>
#include <cstdint>

// The serial log (docs/serial.md): one event per line, "[subsystem] message",
// facts as key=value. klog() formats into a ring buffer and never waits for the
// UART; log_drain() moves what the UART will take right now and is called off
// the frame's critical path. A full buffer drops whole lines and counts them.

namespace rota {

// Probes COM1 and programs it (115200 8N1). Without a UART the log still
// buffers and counts but prints nothing.
bool log_init_serial();

__attribute__((format(printf, 1, 2))) void klog(const char* format, ...);
void vklog(const char* format, va_list args);

// Non-blocking: writes buffered bytes until the UART is busy or the buffer empty.
void log_drain();
// Whether buffered bytes are waiting for the UART.
bool log_pending();
// Writes everything buffered, waiting for the UART (bounded): at shutdown.
void log_flush();
// When on (during boot), every klog() drains at once, so a crash loses nothing.
void log_set_immediate(bool immediate);
uint64_t log_dropped_lines();

// The panic path: bypasses the buffer and writes straight to the UART, after
// flushing what is buffered if the log lock can be taken without waiting.
__attribute__((format(printf, 1, 2))) void panic_log(const char* format, ...);

} // namespace rota
