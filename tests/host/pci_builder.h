#pragma once

// Builds synthetic configuration spaces for the malformed cases that QEMU never
// produces (loops, bad pointers, odd BARs); the well-formed cases use captured
// fixtures (pci_fixture.h).

#include <cstdint>
#include <cstring>
#include <vector>

namespace pci_test {

class HeaderBuilder {
public:
    HeaderBuilder(uint16_t vendor, uint16_t device, uint8_t class_code = 0xff, uint8_t subclass = 0,
        uint8_t header_type = 0, uint16_t space = 256)
        : m_bytes(space, 0)
    {
        put16(0x00, vendor);
        put16(0x02, device);
        m_bytes[0x0b] = class_code;
        m_bytes[0x0a] = subclass;
        m_bytes[0x0e] = header_type;
    }

    HeaderBuilder& command(uint16_t value) { return put16(0x04, value); }
    HeaderBuilder& bar(unsigned index, uint32_t value) { return put32(0x10 + 4 * index, value); }
    HeaderBuilder& bridge(uint8_t primary, uint8_t secondary, uint8_t subordinate)
    {
        m_bytes[0x18] = primary;
        m_bytes[0x19] = secondary;
        m_bytes[0x1a] = subordinate;
        return *this;
    }
    // Sets status bit 4 and the pointer at 0x34.
    HeaderBuilder& capabilities(uint8_t first)
    {
        put16(0x06, 0x0010);
        m_bytes[0x34] = first;
        return *this;
    }
    // A capability header (id, next) at `offset`, then `body` from offset + 2.
    HeaderBuilder& cap(uint8_t offset, uint8_t id, uint8_t next, std::vector<uint8_t> body = {})
    {
        m_bytes[offset] = id;
        m_bytes[offset + 1] = next;
        for (size_t i = 0; i < body.size(); ++i)
            m_bytes[offset + 2 + i] = body[i];
        return *this;
    }
    HeaderBuilder& put8(size_t offset, uint8_t value)
    {
        m_bytes[offset] = value;
        return *this;
    }
    HeaderBuilder& put16(size_t offset, uint16_t value)
    {
        std::memcpy(&m_bytes[offset], &value, 2);
        return *this;
    }
    HeaderBuilder& put32(size_t offset, uint32_t value)
    {
        std::memcpy(&m_bytes[offset], &value, 4);
        return *this;
    }

    std::vector<uint8_t> bytes() const { return m_bytes; }
    operator std::vector<uint8_t>() const { return m_bytes; }

private:
    std::vector<uint8_t> m_bytes;
};

} // namespace pci_test
