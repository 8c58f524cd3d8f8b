#pragma once

#include <cstddef>
#include <span>

#include "core/pci/pci_function.h"

// A fixed-capacity list of functions: enumeration runs before anything is worth
// allocating for, and a machine with more functions than this is reported
// (dropped=N), not a failure.

namespace rota {

class PciFunctionList {
public:
    static constexpr size_t capacity = 96;

    constexpr PciFunctionList() = default;

    // Returns the new slot, or nullptr (and counts a drop) when full.
    PciFunction* add()
    {
        if (m_count == capacity) {
            ++m_dropped;
            return nullptr;
        }
        m_items[m_count] = PciFunction {};
        return &m_items[m_count++];
    }
    void clear()
    {
        m_count = 0;
        m_dropped = 0;
    }

    std::span<const PciFunction> functions() const { return {m_items, m_count}; }
    size_t size() const { return m_count; }
    size_t dropped() const { return m_dropped; }

    const PciFunction* find(uint16_t vendor_id, uint16_t device_id, size_t nth = 0) const
    {
        for (size_t i = 0; i < m_count; ++i) {
            if (m_items[i].vendor_id == vendor_id && m_items[i].device_id == device_id
                && nth-- == 0)
                return &m_items[i];
        }
        return nullptr;
    }
    const PciFunction* find(Bdf bdf) const
    {
        for (size_t i = 0; i < m_count; ++i) {
            if (m_items[i].bdf == bdf)
                return &m_items[i];
        }
        return nullptr;
    }

private:
    PciFunction m_items[capacity] {};
    size_t m_count {0};
    size_t m_dropped {0};
};

} // namespace rota
