#pragma once

// Host-test support for the ACPI parsers: serves the tables captured from QEMU
// (tests/fixtures/acpi/<machine>-smp<N>/, see its README) at the physical
// addresses they had, so the RSDP -> XSDT -> table pointers work unchanged,
// and lets a test corrupt a table or add one of its own.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/acpi/physical_memory.h"
#include "core/acpi/sdt_header.h"

namespace acpi_test {

using Bytes = std::vector<uint8_t>;

inline std::string fixture_dir(const std::string& name)
{
    return std::string(ROTA_FIXTURES_DIR) + "/acpi/" + name;
}

class FixtureMemory final : public rota::PhysicalMemory {
public:
    // Loads every file index.txt lists. A missing fixture fails the test.
    explicit FixtureMemory(const std::string& name)
    {
        std::ifstream index(fixture_dir(name) + "/index.txt");
        EXPECT_TRUE(index.good()) << "no fixture " << name;
        std::string line;
        while (std::getline(index, line)) {
            if (line.empty() || line[0] == '#')
                continue;
            std::istringstream fields(line);
            std::string file, address;
            size_t length = 0;
            fields >> file >> address >> length;
            std::ifstream blob(fixture_dir(name) + "/" + file, std::ios::binary);
            Bytes bytes((std::istreambuf_iterator<char>(blob)), std::istreambuf_iterator<char>());
            EXPECT_EQ(bytes.size(), length) << file;
            add(file, rota::PhysAddr(std::stoull(address, nullptr, 16)), std::move(bytes));
        }
    }

    rota::Expected<std::span<const uint8_t>> map(rota::PhysAddr address, size_t length) override
    {
        ++m_map_calls;
        for (auto& [file, blob] : m_blobs) {
            uint64_t start = blob.address.get();
            if (address.get() >= start && address.get() - start <= blob.bytes.size()
                && length <= blob.bytes.size() - (address.get() - start))
                return std::span<const uint8_t>(
                    blob.bytes.data() + (address.get() - start), length);
        }
        return rota::make_error(rota::Error::InvalidArgument);
    }

    void add(const std::string& file, rota::PhysAddr address, Bytes bytes)
    {
        m_blobs[file] = Blob {address, std::move(bytes)};
    }
    void remove(const std::string& file) { m_blobs.erase(file); }
    bool has(const std::string& file) const { return m_blobs.count(file) != 0; }

    Bytes& bytes(const std::string& file)
    {
        EXPECT_TRUE(has(file)) << file;
        return m_blobs[file].bytes;
    }
    rota::PhysAddr address(const std::string& file) const
    {
        auto found = m_blobs.find(file);
        return found == m_blobs.end() ? rota::PhysAddr() : found->second.address;
    }
    rota::PhysAddr rsdp() const { return address("rsdp.bin"); }
    size_t map_calls() const { return m_map_calls; }

private:
    struct Blob {
        rota::PhysAddr address;
        Bytes bytes;
    };
    std::map<std::string, Blob> m_blobs;
    size_t m_map_calls {0};
};

template<class T>
void store(Bytes& bytes, size_t offset, T value)
{
    ASSERT_LE(offset + sizeof(T), bytes.size());
    std::memcpy(bytes.data() + offset, &value, sizeof(T));
}

template<class T>
T fetch(const Bytes& bytes, size_t offset)
{
    T value {};
    EXPECT_LE(offset + sizeof(T), bytes.size());
    if (offset + sizeof(T) <= bytes.size())
        std::memcpy(&value, bytes.data() + offset, sizeof(T));
    return value;
}

// Makes the bytes [0, length) sum to zero by adjusting the byte at `checksum`.
inline void fix_checksum(Bytes& bytes, size_t checksum, size_t length)
{
    bytes[checksum] = 0;
    uint8_t sum = 0;
    for (size_t i = 0; i < length && i < bytes.size(); ++i)
        sum = static_cast<uint8_t>(sum + bytes[i]);
    bytes[checksum] = static_cast<uint8_t>(-sum);
}

// A table's header checksum, over its header length (ACPI 6.5 section 5.2.6).
inline void fix_table_checksum(Bytes& table)
{
    fix_checksum(table, 9, table.size());
}

// Sets a table's length field to its size and fixes the checksum.
inline void seal(Bytes& table)
{
    store<uint32_t>(table, 4, static_cast<uint32_t>(table.size()));
    fix_table_checksum(table);
}

// Both RSDP checksums (ACPI 6.5 section 5.2.5.3): the 1.0 one over 20 bytes,
// then the extended one over the whole length.
inline void fix_rsdp(Bytes& rsdp)
{
    fix_checksum(rsdp, 8, 20);
    if (rsdp.size() >= 36)
        fix_checksum(rsdp, 32, rsdp.size());
}

// A table with a valid header: `signature`, then `body` after the 36-byte header.
inline Bytes make_table(const char* signature, const Bytes& body, uint8_t revision = 1)
{
    Bytes table(36 + body.size(), 0);
    std::memcpy(table.data(), signature, 4);
    table[8] = revision;
    std::memcpy(table.data() + 10, "ROTA  ", 6);
    std::copy(body.begin(), body.end(), table.begin() + 36);
    seal(table);
    return table;
}

} // namespace acpi_test
