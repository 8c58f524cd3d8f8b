#pragma once

#include <cstdint>

// How rota divides the 256 interrupt vectors (Intel SDM vol. 3, 6.2 and
// 11.8.3). 0-31 are the CPU's exceptions. The local APIC takes a vector's
// upper nibble as its priority class, so device interrupts sit below the
// system vectors every CPU shares: the timer, the wake-up IPI and the
// spurious vector. Device vectors are handed out per CPU
// (core/cpu/vector_allocator.h): vector 0x31 on CPU 0 and vector 0x31 on
// CPU 1 are two different interrupts.

namespace rota::vector {

inline constexpr uint8_t first_device = 0x30;
inline constexpr uint8_t last_device = 0xdf;
inline constexpr unsigned device_count = last_device - first_device + 1;

inline constexpr uint8_t timer = 0xef; // the local APIC timer, behind the timer queue
inline constexpr uint8_t wakeup = 0xf0; // "look at your work queue" / "your wait is over"
inline constexpr uint8_t spurious = 0xff; // low nibble all ones, as older APICs require

constexpr bool is_device(uint64_t v)
{
    return v >= first_device && v <= last_device;
}

} // namespace rota::vector
