#pragma once

#include <cstdint>

#include "core/lib/expected.h"
#include "core/pci/config_space.h"
#include "core/pci/legacy_address.h"
#include "core/sync/spinlock.h"

// Configuration mechanism #1 (PCI Local Bus 3.0, 3.2.2.3.2): an address written
// to port 0xCF8 selects a dword, port 0xCFC (+0..3) reads or writes it. Only the
// first 256 bytes of each function and segment 0 are reachable. The two ports
// are one shared index/data pair, so every access holds a lock.

namespace rota {

class LegacyConfigSpace final : public ConfigSpace {
public:
    constexpr LegacyConfigSpace() = default;

    // Error::Unsupported when CONFIG_ADDRESS does not hold what is written to it
    // (Linux's pci_check_type1): no mechanism #1 on this machine.
    Expected<void> probe();

    uint16_t size() const override { return 256; }

private:
    uint32_t raw_read32(Bdf bdf, uint16_t offset) const override;
    void raw_write32(Bdf bdf, uint16_t offset, uint32_t value) override;
    void raw_write16(Bdf bdf, uint16_t offset, uint16_t value) override;

    // Protects the 0xCF8/0xCFC pair: the address and data accesses go together.
    mutable Spinlock m_lock;
};

} // namespace rota
