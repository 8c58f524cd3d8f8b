#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "support/fuzz_input.h"
#include "virtio/transport/common_config.h"
#include "virtio/transport/register_space.h"

// Fuzzed virtio-pci structures (virtio 1.2, 4.1.4) for the configuration
// fuzzers: a device-specific configuration that is just bytes, and a common
// configuration whose config_generation follows a fuzzed script, so a device
// whose configuration changes while it is read (2.5.1) is fuzzed too.

namespace rota::fuzz {

// Reads little-endian values out of `bytes`; writes are dropped (a device's
// configuration is its own).
class ByteRegisters final : public virtio::RegisterSpace {
public:
    explicit ByteRegisters(std::span<const uint8_t> bytes, size_t length)
        : m_bytes(length, 0)
    {
        copy_bytes(m_bytes.data(), bytes.first(bytes.size() < length ? bytes.size() : length));
    }

    uint8_t read8(uint32_t offset) override { return load<uint8_t>(offset); }
    uint16_t read16(uint32_t offset) override { return load<uint16_t>(offset); }
    uint32_t read32(uint32_t offset) override { return load<uint32_t>(offset); }
    void write8(uint32_t, uint8_t) override { }
    void write16(uint32_t, uint16_t) override { }
    void write32(uint32_t, uint32_t) override { }

private:
    // Outside the structure reads as all ones, as an MMIO read of nothing does.
    template<class T>
    T load(uint32_t offset) const
    {
        T value = T(~T(0));
        if (offset <= m_bytes.size() && sizeof(T) <= m_bytes.size() - offset)
            std::memcpy(&value, m_bytes.data() + offset, sizeof(T));
        return value;
    }

    std::vector<uint8_t> m_bytes;
};

// config_generation takes the script's bytes in turn, then stays at the last.
class GenerationScript final : public virtio::RegisterSpace {
public:
    explicit GenerationScript(std::span<const uint8_t> script)
        : m_script(script.begin(), script.end())
    {
    }

    uint8_t read8(uint32_t offset) override
    {
        if (offset != virtio::common_cfg::config_generation.offset)
            return 0;
        ++reads;
        if (m_next < m_script.size())
            m_current = m_script[m_next++];
        return m_current;
    }
    uint16_t read16(uint32_t) override { return 0; }
    uint32_t read32(uint32_t) override { return 0; }
    void write8(uint32_t, uint8_t) override { }
    void write16(uint32_t, uint16_t) override { }
    void write32(uint32_t, uint32_t) override { }

    size_t reads {0};

private:
    std::vector<uint8_t> m_script;
    size_t m_next {0};
    uint8_t m_current {0};
};

} // namespace rota::fuzz
