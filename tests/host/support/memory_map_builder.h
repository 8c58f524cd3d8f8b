#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "core/mem/memory_map.h"

// Builds a map the way firmware lays it out: descriptors `stride` bytes apart,
// the bytes past the 40 that rota knows filled with `filler`.
class MapBuilder {
public:
    explicit MapBuilder(size_t stride = sizeof(rota::EfiMemoryDescriptor), uint8_t filler = 0)
        : m_stride(stride)
        , m_filler(filler)
    {
    }

    MapBuilder& add(uint32_t type, uint64_t start, uint64_t pages, uint64_t attribute = 0xf)
    {
        rota::EfiMemoryDescriptor descriptor {};
        descriptor.type = type;
        descriptor.padding = 0xdeadbeef;
        descriptor.physical_start = start;
        descriptor.virtual_start = 0x5a5a5a5a5a5a5a5a;
        descriptor.number_of_pages = pages;
        descriptor.attribute = attribute;
        size_t offset = m_bytes.size();
        m_bytes.resize(offset + m_stride, m_filler);
        std::memcpy(m_bytes.data() + offset, &descriptor, sizeof descriptor);
        return *this;
    }
    MapBuilder& add(
        rota::EfiMemoryType type, uint64_t start, uint64_t pages, uint64_t attribute = 0xf)
    {
        return add(static_cast<uint32_t>(type), start, pages, attribute);
    }

    rota::RawMemoryMap raw() const { return {m_bytes.data(), m_bytes.size(), m_stride}; }
    std::vector<uint8_t>& bytes() { return m_bytes; }

private:
    size_t m_stride;
    uint8_t m_filler;
    std::vector<uint8_t> m_bytes;
};
