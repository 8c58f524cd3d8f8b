#pragma once

// A memory BAR holding an MSI-X table and pending-bit array that behaves like
// a function's (PCI Local Bus 3.0, 6.8.2): entries come up masked, a message
// raised while its entry (or the whole function) is masked sets its pending
// bit and is sent when the entry is unmasked, the PBA ignores writes, and the
// reserved vector-control bits keep their value. Every write that changes an
// unmasked entry's address or data is recorded as a violation (6.8.2.9 makes
// it undefined).

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "core/cpu/io_space.h"
#include "core/pci/msi_message.h"

namespace pci_test {

class FakeMsixBar {
public:
    FakeMsixBar(uint32_t bar_size, uint32_t table_offset, uint32_t pba_offset, uint16_t entries)
        : m_bytes(bar_size, 0)
        , m_table(table_offset)
        , m_pba(pba_offset)
        , m_entries(entries)
    {
        for (uint16_t i = 0; i < entries; ++i)
            store(m_table + 16 * i + 12, 1 | reserved_control_bits);
    }

    // A view at `base` bytes into the BAR, with the typed read/write of
    // MmioSpace.
    struct Space {
        FakeMsixBar* bar {nullptr};
        uint32_t base {0};
        uint32_t read(rota::Register<uint32_t> reg) const { return bar->read(base + reg.offset); }
        void write(rota::Register<uint32_t> reg, uint32_t value) const
        {
            bar->write(base + reg.offset, value);
        }
    };
    Space table_space() { return {this, m_table}; }
    Space pba_space() { return {this, m_pba}; }

    // The device wants to signal entry `entry`.
    void raise(uint16_t entry)
    {
        if (masked(entry) || function_masked)
            set_pending(entry, true);
        else
            sent.push_back(message(entry));
    }
    // The function mask was lifted (message control): pending, unmasked
    // entries go out.
    void lift_function_mask()
    {
        function_masked = false;
        for (uint16_t i = 0; i < m_entries; ++i)
            deliver_if_pending(i);
    }

    bool masked(uint16_t entry) const { return load(m_table + 16 * entry + 12) & 1; }
    bool pending(uint16_t entry) const
    {
        return (load(m_pba + entry / 32 * 4) >> (entry % 32)) & 1;
    }
    rota::MsiMessage message(uint16_t entry) const
    {
        uint32_t at = m_table + 16 * entry;
        return {uint64_t(load(at)) | uint64_t(load(at + 4)) << 32, load(at + 8)};
    }
    uint32_t control(uint16_t entry) const { return load(m_table + 16 * entry + 12); }

    static constexpr uint32_t reserved_control_bits = 0xa5a50000; // must survive masking
    bool function_masked {false};
    std::vector<rota::MsiMessage> sent;
    std::vector<std::string> violations;

private:
    uint32_t load(uint32_t offset) const
    {
        uint32_t value;
        std::memcpy(&value, m_bytes.data() + offset, 4);
        return value;
    }
    void store(uint32_t offset, uint32_t value) { std::memcpy(m_bytes.data() + offset, &value, 4); }
    void set_pending(uint16_t entry, bool on)
    {
        uint32_t at = m_pba + entry / 32 * 4;
        uint32_t bit = 1u << (entry % 32);
        store(at, on ? load(at) | bit : load(at) & ~bit);
    }
    void deliver_if_pending(uint16_t entry)
    {
        if (pending(entry) && !masked(entry) && !function_masked) {
            set_pending(entry, false);
            sent.push_back(message(entry));
        }
    }

    uint32_t read(uint32_t offset) const
    {
        if (offset % 4 != 0 || offset + 4 > m_bytes.size())
            throw std::runtime_error("bad MSI-X BAR read at " + std::to_string(offset));
        return load(offset);
    }
    void write(uint32_t offset, uint32_t value)
    {
        if (offset % 4 != 0 || offset + 4 > m_bytes.size())
            throw std::runtime_error("bad MSI-X BAR write at " + std::to_string(offset));
        if (offset >= m_pba && offset < m_pba + (m_entries + 63u) / 64 * 8) {
            violations.push_back("write to the pending-bit array at " + std::to_string(offset));
            return;
        }
        if (offset >= m_table && offset < m_table + 16u * m_entries) {
            uint16_t entry = uint16_t((offset - m_table) / 16);
            uint32_t field = (offset - m_table) % 16;
            if (field == 12) {
                // Only the mask bit is writable; reserved bits read back as they were.
                store(offset, (load(offset) & ~1u) | (value & 1));
                deliver_if_pending(entry);
                return;
            }
            if (!masked(entry) && load(offset) != value)
                violations.push_back("entry " + std::to_string(entry) + " field "
                    + std::to_string(field) + " changed while unmasked");
        }
        store(offset, value);
    }

    std::vector<uint8_t> m_bytes;
    uint32_t m_table;
    uint32_t m_pba;
    uint16_t m_entries;
};

} // namespace pci_test
