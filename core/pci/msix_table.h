#pragma once

#include <cstdint>

#include "core/cpu/io_space.h"
#include "core/lib/assert.h"
#include "core/pci/msi_message.h"

// An MSI-X table and its pending-bit array (PCI Local Bus 3.0, 6.8.2.6-6.8.2.10),
// each somewhere in one of the function's memory BARs. Reached through an
// injected Space with typed read/write (MmioSpace in the kernel, a fake BAR in
// host tests); every access is one aligned dword, which 6.8.2 requires the
// function to accept.
//
// An entry is masked while its message is written (6.8.2.9: changing an
// unmasked entry's address or data is undefined) and stays masked until its
// owner has a handler in place and unmasks it. A message that arrives while its
// entry is masked is not lost: the function sets the entry's pending bit and
// sends the message when the entry is unmasked. The pending-bit array is
// read-only to software; rota only reads it.

namespace rota {

namespace msix {
inline constexpr uint32_t entry_size = 16;
inline constexpr uint32_t address_low = 0x0;
inline constexpr uint32_t address_high = 0x4;
inline constexpr uint32_t data = 0x8;
inline constexpr uint32_t vector_control = 0xc;
inline constexpr uint32_t vector_control_masked = 1u << 0;
} // namespace msix

template<class Space>
class MsixTable {
public:
    MsixTable(Space table, Space pba, uint16_t size)
        : m_table(table)
        , m_pba(pba)
        , m_size(size)
    {
    }

    uint16_t size() const { return m_size; }

    // Masks `entry`, then writes its message. It stays masked.
    void program(uint16_t entry, const MsiMessage& message)
    {
        mask(entry);
        write(entry, msix::address_low, uint32_t(message.address));
        write(entry, msix::address_high, uint32_t(message.address >> 32));
        write(entry, msix::data, message.data);
    }

    MsiMessage message(uint16_t entry) const
    {
        return {uint64_t(read(entry, msix::address_low))
                | uint64_t(read(entry, msix::address_high)) << 32,
            read(entry, msix::data)};
    }

    // Only the mask bit changes: the other vector-control bits are reserved
    // and keep what the function put there (6.8.2.9).
    void mask(uint16_t entry)
    {
        uint32_t control = read(entry, msix::vector_control);
        write(entry, msix::vector_control, control | msix::vector_control_masked);
    }
    void unmask(uint16_t entry)
    {
        uint32_t control = read(entry, msix::vector_control);
        write(entry, msix::vector_control, control & ~msix::vector_control_masked);
    }
    bool masked(uint16_t entry) const
    {
        return (read(entry, msix::vector_control) & msix::vector_control_masked) != 0;
    }
    // 6.8.2.10: one bit per entry, in qwords; read here as dwords.
    bool pending(uint16_t entry) const
    {
        ROTA_ASSERT(entry < m_size);
        uint32_t word = m_pba.read(Register<uint32_t> {uint32_t(entry / 32) * 4});
        return (word >> (entry % 32)) & 1;
    }

private:
    uint32_t read(uint16_t entry, uint32_t field) const
    {
        ROTA_ASSERT(entry < m_size);
        return m_table.read(Register<uint32_t> {entry * msix::entry_size + field});
    }
    void write(uint16_t entry, uint32_t field, uint32_t value)
    {
        ROTA_ASSERT(entry < m_size);
        m_table.write(Register<uint32_t> {entry * msix::entry_size + field}, value);
    }

    Space m_table;
    Space m_pba;
    uint16_t m_size;
};

} // namespace rota
