#pragma once

#include <cstdint>

#include "core/cpu/apic_icr.h"
#include "core/cpu/apic_timer_math.h"
#include "core/cpu/vectors.h"
#include "core/lib/addr.h"
#include "core/lib/expected.h"

// The local APIC of the calling CPU: xAPIC through MMIO, or x2APIC through MSRs
// when the firmware left the CPU in x2APIC mode (real machines with many CPUs
// do; QEMU's TCG does not emulate it). Intel SDM vol. 3, chapter 11. Every CPU
// uses the mode the boot CPU found.

namespace rota {

enum class ApicMode { XApic, X2Apic };

namespace apic_vector {
inline constexpr uint8_t wakeup = vector::wakeup;
inline constexpr uint8_t spurious = vector::spurious;
} // namespace apic_vector

// Boot CPU: finds the mode and the MMIO base (`madt_base` from the MADT, or
// the IA32_APIC_BASE MSR when that is null), then enables this CPU's APIC.
ApicMode local_apic_init_boot(PhysAddr madt_base);
// Application processors: switch to the boot CPU's mode and enable.
void local_apic_init_ap();

ApicMode local_apic_mode();
uint32_t local_apic_id();
void local_apic_eoi();
// Whether `vector` is in service at this CPU's local APIC (its ISR bit, SDM
// vol. 3, 11.8.4): delivered by the APIC and not yet acknowledged by an EOI.
bool local_apic_in_service(uint8_t vector);

// Sends an IPI; for the xAPIC, waits (bounded) until the APIC has accepted it.
// Error::Timeout if the delivery-status bit never cleared.
Expected<void> local_apic_send(const Ipi& ipi);

// Ticks of the APIC timer (divide by 16) per second, measured against the TSC.
uint64_t local_apic_timer_hz();

// The timer, as the timer queue (core/time/timers.h) drives it: TSC-deadline
// mode where CPUID offers it, one-shot otherwise (SDM vol. 3, 11.5.4), both on
// vector::timer. The boot CPU chooses in local_apic_init_boot; every CPU uses
// the same mode.
ApicTimerMode local_apic_timer_mode();
// Fires the timer interrupt on this CPU once the TSC reaches `deadline_tsc`
// (at once if it has), replacing any earlier setting.
void local_apic_timer_arm(uint64_t deadline_tsc);
void local_apic_timer_stop();

// Halts this CPU for about `us` microseconds (or until another interrupt),
// with a timer as the alarm: core/time/sleep.h's sleep_for_us. Waiting like
// this, rather than spinning, gives the host's cores back to the device
// emulation when rota runs in a VM; on hardware it saves power. Returns at once
// (false) if the timer is not calibrated yet. Interrupts are off again on return.
bool local_apic_nap(uint32_t us);

} // namespace rota
