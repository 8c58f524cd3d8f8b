#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "core/acpi/physical_memory.h"
#include "support/fuzz_input.h"

// Firmware memory for the ACPI fuzzers: a few blobs of bytes at fuzzed
// physical addresses, so the pointers between the tables (RSDP -> XSDT/RSDT
// -> tables, FADT -> DSDT) are fuzzed along with the tables. The input is
//
//   flags (1 byte), then blobs: address (8 bytes), length (2 bytes), bytes
//
// and the RSDP is the first blob. With flag bit 0 every blob's checksum is
// made right before parsing (ACPI 6.5 sections 5.2.5.3 and 5.2.6), so the
// fuzzer gets past the checksums to the fields behind them; without it the
// checksums are fuzzed too. tests/fuzz/make_seeds.py writes the captured
// fixtures in this form.

namespace rota::fuzz {

class BlobMemory final : public PhysicalMemory {
public:
    static constexpr uint8_t flag_seal = 1u << 0;
    static constexpr size_t max_blobs = 64;

    explicit BlobMemory(FuzzInput& input)
    {
        uint8_t flags = input.take<uint8_t>();
        while (input.remaining() >= 10 && m_blobs.size() < max_blobs) {
            Blob blob;
            blob.address = PhysAddr(input.take<uint64_t>());
            auto bytes = input.take_bytes(input.take<uint16_t>());
            blob.bytes.assign(bytes.begin(), bytes.end());
            m_blobs.push_back(std::move(blob));
        }
        if ((flags & flag_seal) == 0)
            return;
        for (size_t i = 0; i < m_blobs.size(); ++i) {
            if (i == 0)
                seal_rsdp(m_blobs[i].bytes);
            else
                seal_table(m_blobs[i].bytes);
        }
    }

    PhysAddr first_address() const { return m_blobs.empty() ? PhysAddr() : m_blobs[0].address; }

    Expected<std::span<const uint8_t>> map(PhysAddr address, size_t length) override
    {
        for (const Blob& blob : m_blobs) {
            uint64_t start = blob.address.get();
            uint64_t a = address.get();
            if (a >= start && a - start <= blob.bytes.size()
                && length <= blob.bytes.size() - (a - start))
                return std::span<const uint8_t>(blob.bytes.data() + (a - start), length);
        }
        return make_error(Error::InvalidArgument);
    }

private:
    struct Blob {
        PhysAddr address;
        std::vector<uint8_t> bytes;
    };

    static uint32_t load32(const std::vector<uint8_t>& bytes, size_t offset)
    {
        uint32_t value = 0;
        std::memcpy(&value, bytes.data() + offset, 4);
        return value;
    }

    // Makes bytes [0, length) sum to zero through the byte at `checksum`.
    static void fix_checksum(std::vector<uint8_t>& bytes, size_t checksum, size_t length)
    {
        bytes[checksum] = 0;
        uint8_t sum = 0;
        for (size_t i = 0; i < length; ++i)
            sum = static_cast<uint8_t>(sum + bytes[i]);
        bytes[checksum] = static_cast<uint8_t>(-sum);
    }

    // The 1.0 checksum over 20 bytes, then the extended one over `length`.
    static void seal_rsdp(std::vector<uint8_t>& bytes)
    {
        if (bytes.size() < 20)
            return;
        fix_checksum(bytes, 8, 20);
        if (bytes.size() < 36)
            return;
        size_t length = load32(bytes, 20);
        fix_checksum(bytes, 32, length < bytes.size() ? length : bytes.size());
    }

    // The header's checksum over the length the header states.
    static void seal_table(std::vector<uint8_t>& bytes)
    {
        if (bytes.size() < 36)
            return;
        size_t length = load32(bytes, 4);
        fix_checksum(bytes, 9, length < bytes.size() ? length : bytes.size());
    }

    std::vector<Blob> m_blobs;
};

} // namespace rota::fuzz
