#pragma once

#include <cstdint>

// A table's four-character signature (ACPI 6.5 section 5.2.6), held as text that is always safe to
// print: bytes outside printable ASCII, which only a corrupt table has, read as '?'.

namespace rota {

class TableSignature {
public:
    constexpr TableSignature() = default;
    consteval explicit TableSignature(const char (&text)[5])
    {
        for (int i = 0; i < 4; ++i)
            m_text[i] = text[i];
    }

    static constexpr TableSignature from_bytes(const uint8_t* bytes)
    {
        TableSignature signature;
        for (int i = 0; i < 4; ++i) {
            bool printable = bytes[i] >= 0x20 && bytes[i] < 0x7f;
            signature.m_text[i] = printable ? static_cast<char>(bytes[i]) : '?';
        }
        return signature;
    }

    // NUL-terminated, four characters.
    constexpr const char* c_str() const { return m_text; }
    constexpr bool operator==(const TableSignature&) const = default;

private:
    char m_text[5] {'?', '?', '?', '?', '\0'};
};

namespace signatures {
inline constexpr TableSignature xsdt("XSDT");
inline constexpr TableSignature rsdt("RSDT");
inline constexpr TableSignature madt("APIC");
inline constexpr TableSignature mcfg("MCFG");
inline constexpr TableSignature fadt("FACP");
inline constexpr TableSignature dsdt("DSDT");
// Not a table signature (the RSDP's is the 8-byte "RSD PTR "): names the RSDP
// in reports and dumps.
inline constexpr TableSignature rsdp("RSDP");
} // namespace signatures

} // namespace rota
