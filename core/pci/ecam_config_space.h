#pragma once

#include <cstddef>

#include "core/lib/expected.h"
#include "core/pci/config_space.h"
#include "core/pci/ecam_region.h"

// Configuration access through ECAM (PCIe Base 4.0, 7.2.2): every function's
// 4 KiB are memory mapped, so an access is one MMIO load or store of its width
// and needs no lock. A function outside every region reads as absent.

namespace rota {

class EcamConfigSpace final : public ConfigSpace {
public:
    static constexpr size_t max_regions = 8;

    constexpr EcamConfigSpace() = default;

    // Error::Corrupt for a region validate_ecam_region refuses, OutOfMemory when
    // max_regions are taken.
    Expected<void> add_region(const PciEcamRegion& region);
    size_t region_count() const { return m_count; }

    uint16_t size() const override { return ecam_function_size; }

private:
    uint32_t raw_read32(Bdf bdf, uint16_t offset) const override;
    void raw_write32(Bdf bdf, uint16_t offset, uint32_t value) override;
    void raw_write16(Bdf bdf, uint16_t offset, uint16_t value) override;
    std::optional<PhysAddr> address(Bdf bdf, uint16_t offset) const;

    // Written only by pci_init before anyone reads it.
    PciEcamRegion m_regions[max_regions] {};
    size_t m_count {0};
};

} // namespace rota
