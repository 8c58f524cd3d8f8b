#pragma once

// Leaving the kernel: through the UEFI runtime ResetSystem (identity mapped,
// still callable after ExitBootServices); if the firmware returns, through the
// chipset, and if that fails too, by halting with a message.

namespace rota {

enum class ResetKind { Shutdown, Cold };

[[noreturn]] void power_off();
[[noreturn]] void reboot();

// Set by the UEFI stage: calls the runtime service. Returns only on failure.
using FirmwareResetFunction = void (*)(ResetKind kind);
void power_set_firmware_reset(FirmwareResetFunction reset);

} // namespace rota
