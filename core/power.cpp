#include "core/power.h"

#include "core/cpu/x86.h"
#include "core/log/log.h"

namespace rota {

namespace {

constinit FirmwareResetFunction g_firmware_reset = nullptr;

} // namespace

void power_set_firmware_reset(FirmwareResetFunction reset)
{
    g_firmware_reset = reset;
}

void power_off()
{
    if (g_firmware_reset != nullptr)
        klog("[power] off through the firmware's ResetSystem");
    log_flush();
    x86::cli();
    if (g_firmware_reset != nullptr) {
        g_firmware_reset(ResetKind::Shutdown);
        panic_log("[power] ResetSystem returned: trying the chipset");
    }
    // QEMU's ACPI PM1a control block: SLP_TYP=S5 | SLP_EN, at 0x604 on q35
    // (ICH9) and 0xb004 on older pc machines. Harmless elsewhere.
    x86::outw(0x604, 0x2000);
    x86::outw(0xb004, 0x2000);
    panic_log("[panic] power off failed: firmware and chipset did not turn the machine off");
    panic_log("[panic] halted");
    x86::halt_forever();
}

void reboot()
{
    if (g_firmware_reset != nullptr)
        klog("[power] reboot through the firmware's ResetSystem");
    log_flush();
    x86::cli();
    if (g_firmware_reset != nullptr) {
        g_firmware_reset(ResetKind::Cold);
        panic_log("[power] ResetSystem returned: trying the chipset");
    }
    // The reset control register (0xcf9: full reset), then the keyboard
    // controller's reset line: every PC has one or the other.
    x86::outb(0xcf9, 0x02);
    x86::outb(0xcf9, 0x06);
    x86::outb(0x64, 0xfe);
    panic_log("[panic] reboot failed: firmware and chipset did not reset the machine");
    panic_log("[panic] halted");
    x86::halt_forever();
}

} // namespace rota
