#pragma once

#include <cstdint>

#include "core/cpu/io_space.h"

// A 16550-compatible UART (COM1 on a PC), polled, 115200 8N1. The register
// layout follows the National Semiconductor PC16550D datasheet, table II.

namespace rota {

namespace uart_reg {
inline constexpr Register<uint8_t> data {0}; // THR/RBR; divisor low with DLAB
inline constexpr Register<uint8_t> interrupt_enable {1}; // IER; divisor high with DLAB
inline constexpr Register<uint8_t> fifo_control {2}; // FCR (write)
inline constexpr Register<uint8_t> line_control {3}; // LCR
inline constexpr Register<uint8_t> modem_control {4}; // MCR
inline constexpr Register<uint8_t> line_status {5}; // LSR
inline constexpr Register<uint8_t> scratch {7}; // SCR
} // namespace uart_reg

template<class Io>
class Uart16550 {
public:
    constexpr explicit Uart16550(Io io)
        : m_io(io)
    {
    }

    // Whether a UART answers: the scratch register holds what was written to it
    // (a missing device reads back 0xff). Then program 115200 8N1, FIFOs on.
    bool probe_and_init()
    {
        for (uint8_t pattern : {uint8_t(0x5a), uint8_t(0xa5)}) {
            m_io.write(uart_reg::scratch, pattern);
            if (m_io.read(uart_reg::scratch) != pattern)
                return m_present = false;
        }
        m_io.write(uart_reg::interrupt_enable, uint8_t(0x00)); // polled: no interrupts
        m_io.write(uart_reg::line_control, uint8_t(0x80)); // DLAB on
        m_io.write(uart_reg::data, uint8_t(1)); // divisor 1 = 115200 baud
        m_io.write(uart_reg::interrupt_enable, uint8_t(0));
        m_io.write(uart_reg::line_control, uint8_t(0x03)); // DLAB off, 8N1
        m_io.write(uart_reg::fifo_control, uint8_t(0x07)); // enable and clear FIFOs
        m_io.write(uart_reg::modem_control, uint8_t(0x03)); // DTR, RTS
        return m_present = true;
    }

    bool present() const { return m_present; }

    // Non-blocking: false when the transmitter holding register is still full.
    bool try_put(char c)
    {
        if (!m_present)
            return true;
        if ((m_io.read(uart_reg::line_status) & line_status_thr_empty) == 0)
            return false;
        m_io.write(uart_reg::data, static_cast<uint8_t>(c));
        return true;
    }

    // For the panic path only: waits a bounded number of polls per character so
    // that a wedged UART cannot hang the report of a crash.
    void put_blocking(char c)
    {
        for (int polls = 0; polls < 100000; ++polls) {
            if (try_put(c))
                return;
        }
    }

private:
    static constexpr uint8_t line_status_thr_empty = 1u << 5;
    Io m_io;
    bool m_present {false};
};

} // namespace rota
