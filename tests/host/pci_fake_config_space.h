#pragma once

// A fake PCI configuration space for host tests: functions are byte arrays
// (captured from QEMU by tests/fixtures/capture_pci.py, or built by a test), BAR
// registers behave like hardware when sized (only the address bits above the
// BAR's size take a write, PCI Local Bus 3.0 6.2.5.1), absent functions read all
// ones, and every write is recorded so a test can check the exact sequence.

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <tuple>
#include <vector>

#include "core/pci/bdf.h"
#include "core/pci/config_space.h"

namespace pci_test {

struct ConfigWrite {
    rota::Bdf bdf;
    uint16_t offset;
    uint8_t width;
    uint32_t value;
    uint16_t command_before; // the function's command register when the write happened

    bool operator==(const ConfigWrite& other) const
    {
        return bdf == other.bdf && offset == other.offset && width == other.width
            && value == other.value;
    }
};

class FakeConfigSpace final : public rota::ConfigSpace {
public:
    explicit FakeConfigSpace(uint16_t space_size = 4096)
        : m_size(space_size)
    {
    }
    ~FakeConfigSpace() = default;

    uint16_t size() const override { return m_size; }

    // A function's configuration space; bytes past `bytes` read as zero.
    void add_function(rota::Bdf bdf, std::vector<uint8_t> bytes)
    {
        Function fn;
        fn.bytes.assign(m_size, 0);
        if (!bytes.empty()) // memcpy from an empty vector's null data() is undefined
            std::memcpy(fn.bytes.data(), bytes.data(), std::min<size_t>(bytes.size(), m_size));
        fn.bar_wmask.fill(0);
        m_functions[key(bdf)] = fn;
    }

    // Makes BAR `index` (as its low bits in the snapshot describe it) decode
    // `size` bytes: the writable address bits become ~(size - 1), as QEMU's
    // pci_register_bar sets its wmask.
    void set_bar_size(rota::Bdf bdf, unsigned index, uint64_t size)
    {
        Function& fn = function(bdf);
        uint32_t low = load32(fn, bar_offset(index));
        uint64_t mask = ~(size - 1);
        if (low & 1) {
            fn.bar_wmask[index] = static_cast<uint32_t>(mask) & ~0x3u;
        } else if (((low >> 1) & 3) == 2) {
            fn.bar_wmask[index] = static_cast<uint32_t>(mask) & ~0xfu;
            fn.bar_wmask[index + 1] = static_cast<uint32_t>(mask >> 32);
        } else {
            fn.bar_wmask[index] = static_cast<uint32_t>(mask) & ~0xfu;
        }
    }

    bool has(rota::Bdf bdf) const { return m_functions.count(key(bdf)) != 0; }
    std::vector<uint8_t>& bytes(rota::Bdf bdf) { return function(bdf).bytes; }
    void poke8(rota::Bdf bdf, uint16_t offset, uint8_t value) { bytes(bdf)[offset] = value; }
    void poke16(rota::Bdf bdf, uint16_t offset, uint16_t value)
    {
        std::memcpy(bytes(bdf).data() + offset, &value, 2);
    }
    void poke32(rota::Bdf bdf, uint16_t offset, uint32_t value)
    {
        std::memcpy(bytes(bdf).data() + offset, &value, 4);
    }
    uint32_t peek32(rota::Bdf bdf, uint16_t offset) { return load32(function(bdf), offset); }

    // A command register that ignores writes (a broken or absent device).
    void set_command_read_only(bool read_only) { m_command_read_only = read_only; }
    // Overrides a BAR's writable bits (a 16-bit I/O BAR, say).
    void set_bar_wmask(rota::Bdf bdf, unsigned index, uint32_t wmask)
    {
        function(bdf).bar_wmask[index] = wmask;
    }

    const std::vector<ConfigWrite>& writes() const { return m_writes; }
    void clear_writes() { m_writes.clear(); }
    size_t reads() const { return m_reads; }

private:
    struct Function {
        std::vector<uint8_t> bytes;
        std::array<uint32_t, 6> bar_wmask;
    };

    static std::tuple<uint16_t, uint8_t, uint8_t, uint8_t> key(rota::Bdf bdf)
    {
        return {bdf.segment, bdf.bus, bdf.device, bdf.function};
    }
    static uint16_t bar_offset(unsigned index) { return static_cast<uint16_t>(0x10 + 4 * index); }
    static uint32_t load32(const Function& fn, uint16_t offset)
    {
        uint32_t value;
        std::memcpy(&value, fn.bytes.data() + offset, 4);
        return value;
    }
    Function& function(rota::Bdf bdf) { return m_functions.at(key(bdf)); }

    // BAR slots exist for type 0 (six) and type 1 (two) headers.
    static int bar_index(const Function& fn, uint16_t offset)
    {
        unsigned count = (fn.bytes[0x0e] & 0x7f) == 0 ? 6 : (fn.bytes[0x0e] & 0x7f) == 1 ? 2 : 0;
        if (offset < 0x10 || offset >= 0x10 + 4 * count)
            return -1;
        return (offset - 0x10) / 4;
    }

    uint32_t raw_read32(rota::Bdf bdf, uint16_t offset) const override
    {
        ++m_reads;
        auto it = m_functions.find(key(bdf));
        if (it == m_functions.end())
            return 0xffffffffu;
        return load32(it->second, offset);
    }

    void record(rota::Bdf bdf, uint16_t offset, uint8_t width, uint32_t value)
    {
        auto it = m_functions.find(key(bdf));
        uint16_t command = 0xffff;
        if (it != m_functions.end())
            command = static_cast<uint16_t>(load32(it->second, 4) & 0xffff);
        m_writes.push_back({bdf, offset, width, value, command});
    }

    void raw_write32(rota::Bdf bdf, uint16_t offset, uint32_t value) override
    {
        record(bdf, offset, 4, value);
        auto it = m_functions.find(key(bdf));
        if (it == m_functions.end())
            return;
        Function& fn = it->second;
        int bar = bar_index(fn, offset);
        if (bar >= 0) {
            uint32_t wmask = fn.bar_wmask[bar];
            value = (load32(fn, offset) & ~wmask) | (value & wmask);
        }
        std::memcpy(fn.bytes.data() + offset, &value, 4);
    }

    void raw_write16(rota::Bdf bdf, uint16_t offset, uint16_t value) override
    {
        record(bdf, offset, 2, value);
        auto it = m_functions.find(key(bdf));
        if (it == m_functions.end() || (offset == 4 && m_command_read_only))
            return;
        std::memcpy(it->second.bytes.data() + offset, &value, 2);
    }

    uint16_t m_size;
    std::map<std::tuple<uint16_t, uint8_t, uint8_t, uint8_t>, Function> m_functions;
    std::vector<ConfigWrite> m_writes;
    mutable size_t m_reads {0};
    bool m_command_read_only {false};
};

} // namespace pci_test
