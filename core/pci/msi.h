#pragma once

#include <cstdint>

#include "core/lib/expected.h"
#include "core/pci/capability.h"
#include "core/pci/msi_message.h"

// Plain MSI (PCI Local Bus 3.0, 6.8.1): one message address and data in the
// capability itself, and up to 32 messages that differ in the low bits of the
// data. For a function without MSI-X. The vectors must be an aligned block
// (core/cpu/vector_allocator.h), since the function ORs the message number
// into the data.

namespace rota {

class ConfigSpace;

// Programs `cap` to send `message` (its data the first vector of the block)
// and enables `count` messages (a power of two up to cap.vectors_capable;
// Error::InvalidArgument otherwise). With per-vector masking, the `count`
// messages are unmasked and the rest stay masked. Error::DeviceError when the
// function did not keep the enable bit.
Expected<void> msi_enable(ConfigSpace& config, Bdf bdf, const MsiCapability& cap,
    const MsiMessage& message, uint8_t count);
void msi_disable(ConfigSpace& config, Bdf bdf, const MsiCapability& cap);

} // namespace rota
