#pragma once

// Host-test support: the UEFI memory maps captured from OVMF
// (tests/fixtures/memory_map/<machine>-<memory>/, see its README), with what the
// kernel recorded about the boot next to them: the image's parts, the stacks,
// the loader data it keeps, the framebuffer and the trampoline.

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "core/mem/kernel_address_space.h"
#include "core/mem/memory_attributes.h"
#include "core/mem/memory_map.h"
#include "core/mem/phys_range.h"

struct CapturedBoot {
    std::vector<uint8_t> map;
    size_t descriptor_size {0};
    std::vector<uint8_t> attributes; // the whole table, header first; empty if none
    rota::KernelImageLayout image;
    std::vector<rota::StackRegion> stacks;
    std::vector<rota::PhysRange> kept;
    uint64_t framebuffer {0};
    uint64_t framebuffer_bytes {0};
    uint64_t trampoline {0};

    rota::RawMemoryMap raw() const { return {map.data(), map.size(), descriptor_size}; }
    std::optional<rota::RawMemoryMap> attribute_entries() const
    {
        if (attributes.empty())
            return std::nullopt;
        auto entries = rota::memory_attributes_entries(attributes.data(), attributes.size());
        EXPECT_TRUE(entries.has_value());
        return entries.has_value() ? std::optional(*entries) : std::nullopt;
    }
};

inline std::vector<uint8_t> read_fixture_file(const std::string& path)
{
    std::ifstream file(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

// Loads tests/fixtures/memory_map/<name>; a missing or incomplete fixture fails
// the test.
inline CapturedBoot load_captured_boot(const std::string& name)
{
    std::string dir = std::string(ROTA_FIXTURES_DIR) + "/memory_map/" + name;
    CapturedBoot boot;
    std::ifstream index(dir + "/index.txt");
    EXPECT_TRUE(index.good()) << "no fixture " << name;
    std::string line;
    while (std::getline(index, line)) {
        const char* text = line.c_str();
        unsigned long a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0;
        unsigned width = 0, height = 0, pitch = 0;
        if (std::sscanf(text, "memory-map.bin descriptor_size=%lu", &a) == 1) {
            boot.descriptor_size = a;
            boot.map = read_fixture_file(dir + "/memory-map.bin");
        } else if (line.rfind("memory-attributes.bin", 0) == 0) {
            boot.attributes = read_fixture_file(dir + "/memory-attributes.bin");
        } else if (std::sscanf(text,
                       "[mem] dump image base=0x%lx end=0x%lx text=0x%lx-0x%lx rodata=0x%lx-0x%lx "
                       "data=0x%lx-0x%lx",
                       &a, &b, &c, &d, &e, &f, &g, &h)
            == 8) {
            boot.image = {a, b, c, d, e, f, g, h};
        } else if (std::sscanf(text, "[mem] dump stack bottom=0x%lx top=0x%lx", &a, &b) == 2) {
            boot.stacks.push_back({a, b});
        } else if (std::sscanf(text, "[mem] dump kept base=0x%lx pages=%lu", &a, &b) == 2) {
            boot.kept.push_back({rota::PhysAddr(a), b});
        } else if (std::sscanf(text, "[boot] gop mode=%ux%u format=%*s pitch=%u fb=0x%lx", &width,
                       &height, &pitch, &a)
            == 4) {
            boot.framebuffer = a;
            boot.framebuffer_bytes = uint64_t(pitch) * height * 4;
        } else if (std::sscanf(text, "[boot] trampoline=0x%lx", &a) == 1) {
            boot.trampoline = a;
        }
    }
    EXPECT_GT(boot.descriptor_size, 0u) << name;
    EXPECT_FALSE(boot.map.empty()) << name;
    EXPECT_TRUE(boot.image.valid()) << name;
    EXPECT_EQ(boot.stacks.size(), 5u) << name;
    return boot;
}
