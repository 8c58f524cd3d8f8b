#include "core/mem/firmware_regions.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>

#include "core/mem/memory_attributes.h"
#include "support/memory_map_builder.h"

using rota::Access;
using rota::AddressSpacePlan;
using rota::EfiMemoryType;
using rota::FirmwareLayerStats;
using rota::MemoryType;
using rota::PageAttributes;
using rota::RawMemoryMap;

namespace {

constexpr uint64_t MiB = 1024 * 1024;
constexpr uint64_t wb_capable = 0xf; // UC | WC | WT | WB, as OVMF reports RAM
constexpr uint64_t runtime = 0x8000000000000000;
constexpr uint64_t xp = 0x4000;
constexpr uint64_t ro = 0x20000;
constexpr uint64_t sp = 0x40000;

// What the plan maps at `address` after both kinds of layers, or nothing.
class FirmwarePlan {
public:
    explicit FirmwarePlan(const MapBuilder& map, std::optional<RawMemoryMap> attributes = {})
    {
        EXPECT_TRUE(rota::add_ram_layers(*m_plan, map.raw(), stats).has_value());
        EXPECT_TRUE(rota::add_runtime_layers(*m_plan, map.raw(), attributes, stats).has_value());
        m_plan->flatten(*m_flat);
    }

    std::optional<PageAttributes> at(uint64_t address) const
    {
        for (const auto& run : m_flat->view()) {
            if (address >= run.start && address < run.end)
                return run.attributes;
        }
        return std::nullopt;
    }

    FirmwareLayerStats stats;

private:
    std::unique_ptr<AddressSpacePlan> m_plan = std::make_unique<AddressSpacePlan>();
    std::unique_ptr<AddressSpacePlan::Flat> m_flat = std::make_unique<AddressSpacePlan::Flat>();
};

constexpr PageAttributes ram {Access::ReadWrite, MemoryType::WriteBack};

TEST(FirmwareRegions, RamOfEveryKindIsReadWriteNoExecuteWriteBack)
{
    MapBuilder map;
    uint64_t address = 0x100000;
    const EfiMemoryType kinds[]
        = {EfiMemoryType::LoaderCode, EfiMemoryType::LoaderData, EfiMemoryType::BootServicesCode,
            EfiMemoryType::BootServicesData, EfiMemoryType::Conventional,
            EfiMemoryType::AcpiReclaim, EfiMemoryType::AcpiNvs, EfiMemoryType::Persistent};
    for (EfiMemoryType kind : kinds) {
        map.add(kind, address, 16);
        address += 32 * 4096; // leave a hole after each
    }
    FirmwarePlan plan(map);
    address = 0x100000;
    for (size_t i = 0; i < std::size(kinds); ++i) {
        EXPECT_EQ(plan.at(address), ram) << i;
        EXPECT_EQ(plan.at(address + 15 * 4096), ram) << i;
        EXPECT_FALSE(plan.at(address + 16 * 4096).has_value()) << i;
        address += 32 * 4096;
    }
    EXPECT_EQ(plan.stats.ram_layers, std::size(kinds));
}

TEST(FirmwareRegions, WhatRotaHasNoBusinessWithIsNotMapped)
{
    MapBuilder map;
    map.add(EfiMemoryType::Reserved, 0x1000000, 16)
        .add(EfiMemoryType::Unusable, 0x2000000, 16)
        .add(EfiMemoryType::MemoryMappedIo, 0x3000000, 16, 0x1)
        .add(EfiMemoryType::MemoryMappedIoPortSpace, 0x4000000, 16, 0x1)
        .add(EfiMemoryType::PalCode, 0x5000000, 16)
        .add(EfiMemoryType::Unaccepted, 0x6000000, 16)
        .add(0x70000001u, 0x7000000, 16) // an OEM type
        .add(EfiMemoryType::Conventional, 0x8000000, 16, wb_capable | sp);
    FirmwarePlan plan(map);
    for (uint64_t address = 0x1000000; address <= 0x8000000; address += 0x1000000)
        EXPECT_FALSE(plan.at(address).has_value()) << std::hex << address;
    EXPECT_EQ(plan.stats.unmapped_descriptors, 8u);
}

TEST(FirmwareRegions, TheCacheabilityComesFromTheAttributes)
{
    MapBuilder map;
    map.add(EfiMemoryType::Conventional, 0x100000, 1, 0x1) // UC only
        .add(EfiMemoryType::Conventional, 0x200000, 1, 0x2) // WC only
        .add(EfiMemoryType::Conventional, 0x300000, 1, 0x5) // UC | WT
        .add(EfiMemoryType::Conventional, 0x400000, 1, 0x0) // none at all
        .add(EfiMemoryType::MemoryMappedIo, 0x500000, 1, runtime | 0x9); // UC | WB
    FirmwarePlan plan(map);
    EXPECT_EQ(plan.at(0x100000)->type, MemoryType::Uncached);
    EXPECT_EQ(plan.at(0x200000)->type, MemoryType::WriteCombining);
    EXPECT_EQ(plan.at(0x300000)->type, MemoryType::WriteThrough);
    EXPECT_EQ(plan.at(0x400000)->type, MemoryType::Uncached);
    // Device memory prefers uncached even when write-back is allowed.
    EXPECT_EQ(plan.at(0x500000), (PageAttributes {Access::ReadWrite, MemoryType::Uncached}));
}

TEST(FirmwareRegions, RuntimeRegionsAreMappedAsTheirAttributesSay)
{
    MapBuilder map;
    map.add(EfiMemoryType::RuntimeServicesCode, 0x1000000, 16, runtime | wb_capable)
        .add(EfiMemoryType::RuntimeServicesData, 0x2000000, 16, runtime | wb_capable)
        .add(EfiMemoryType::RuntimeServicesCode, 0x3000000, 16, runtime | wb_capable | ro)
        .add(EfiMemoryType::RuntimeServicesCode, 0x4000000, 16, runtime | wb_capable | xp)
        .add(EfiMemoryType::MemoryMappedIo, 0xffc00000, 1024, runtime | 0x1)
        .add(EfiMemoryType::Reserved, 0x5000000, 16, runtime | wb_capable);
    FirmwarePlan plan(map);
    // Without the attributes table, runtime code must stay writable too.
    EXPECT_EQ(
        plan.at(0x1000000), (PageAttributes {Access::ReadWriteExecute, MemoryType::WriteBack}));
    EXPECT_EQ(plan.at(0x2000000), ram);
    EXPECT_EQ(plan.at(0x3000000), (PageAttributes {Access::ReadExecute, MemoryType::WriteBack}));
    EXPECT_EQ(plan.at(0x4000000), ram);
    EXPECT_EQ(plan.at(0xffc00000), (PageAttributes {Access::ReadWrite, MemoryType::Uncached}));
    EXPECT_EQ(plan.at(0xfffff000), (PageAttributes {Access::ReadWrite, MemoryType::Uncached}));
    // Reserved memory might be device memory: uncached, though write-back is allowed.
    EXPECT_EQ(plan.at(0x5000000), (PageAttributes {Access::ReadWrite, MemoryType::Uncached}));
    EXPECT_EQ(plan.stats.runtime_layers, 6u);
}

TEST(FirmwareRegions, ARuntimeRegionWinsOverRamItOverlaps)
{
    MapBuilder map;
    map.add(EfiMemoryType::RuntimeServicesCode, 0x1004000, 4, runtime | wb_capable)
        .add(EfiMemoryType::Conventional, 0x1000000, 16); // listed after, overlapping
    FirmwarePlan plan(map);
    EXPECT_EQ(plan.at(0x1000000), ram);
    EXPECT_EQ(plan.at(0x1004000)->access, Access::ReadWriteExecute);
    EXPECT_EQ(plan.at(0x1008000), ram);
}

// A memory attributes table as the firmware publishes it: header, then entries.
std::vector<uint8_t> attributes_table(const MapBuilder& entries, uint32_t count)
{
    rota::MemoryAttributesHeader header {1, count, sizeof(rota::EfiMemoryDescriptor), 0};
    auto raw = entries.raw();
    std::vector<uint8_t> bytes(sizeof header + raw.size);
    std::memcpy(bytes.data(), &header, sizeof header);
    std::memcpy(bytes.data() + sizeof header, raw.buffer, raw.size);
    return bytes;
}

TEST(FirmwareRegions, TheAttributesTableSplitsRuntimeCodeIntoCodeAndData)
{
    MapBuilder map;
    map.add(EfiMemoryType::RuntimeServicesCode, 0x1000000, 8, runtime | wb_capable);
    MapBuilder entries;
    entries
        .add(EfiMemoryType::RuntimeServicesCode, 0x1000000, 1, runtime | xp) // headers
        .add(EfiMemoryType::RuntimeServicesCode, 0x1001000, 3, runtime | ro) // .text
        .add(EfiMemoryType::RuntimeServicesCode, 0x1004000, 4, runtime | xp) // .data
        .add(EfiMemoryType::RuntimeServicesCode, 0x9000000, 4, runtime | ro); // in no region
    auto table = attributes_table(entries, 4);
    auto parsed = rota::memory_attributes_entries(table.data(), table.size());
    ASSERT_TRUE(parsed.has_value());

    FirmwarePlan plan(map, *parsed);
    EXPECT_EQ(plan.at(0x1000000), ram);
    EXPECT_EQ(plan.at(0x1001000), (PageAttributes {Access::ReadExecute, MemoryType::WriteBack}));
    EXPECT_EQ(plan.at(0x1003000), (PageAttributes {Access::ReadExecute, MemoryType::WriteBack}));
    EXPECT_EQ(plan.at(0x1004000), ram);
    EXPECT_EQ(plan.at(0x1007000), ram);
    EXPECT_FALSE(plan.at(0x9000000).has_value());
    EXPECT_EQ(plan.stats.attribute_entries, 3u);
    EXPECT_EQ(plan.stats.attribute_entries_ignored, 1u);
}

TEST(FirmwareRegions, AnAttributesEntryNeverMakesRuntimeDataExecutable)
{
    MapBuilder map;
    map.add(EfiMemoryType::RuntimeServicesData, 0x1000000, 4, runtime | wb_capable);
    MapBuilder entries;
    entries.add(EfiMemoryType::RuntimeServicesCode, 0x1000000, 4, runtime); // neither RO nor XP
    auto table = attributes_table(entries, 1);
    FirmwarePlan plan(map, *rota::memory_attributes_entries(table.data(), table.size()));
    EXPECT_EQ(plan.at(0x1000000), ram);
}

TEST(FirmwareRegions, MalformedDescriptorsAreSkippedNotTrusted)
{
    MapBuilder map;
    map.add(EfiMemoryType::Conventional, 0x100000, 0) // empty
        .add(EfiMemoryType::Conventional, 0xfffffffffffff000, 16) // past 2^52
        .add(EfiMemoryType::Conventional, 0x200000, UINT64_MAX / 4096) // runs past the end
        .add(EfiMemoryType::RuntimeServicesCode, 0x300000, UINT64_MAX, runtime)
        .add(EfiMemoryType::Conventional, 0x400000, 4);
    FirmwarePlan plan(map);
    EXPECT_FALSE(plan.at(0x100000).has_value());
    EXPECT_FALSE(plan.at(0x200000).has_value());
    EXPECT_FALSE(plan.at(0x300000).has_value());
    EXPECT_EQ(plan.at(0x400000), ram);
}

TEST(MemoryAttributesTable, RejectsHeadersThatCannotBeRight)
{
    MapBuilder entries;
    entries.add(EfiMemoryType::RuntimeServicesCode, 0x1000000, 1, runtime | ro);
    auto good = attributes_table(entries, 1);
    EXPECT_TRUE(rota::memory_attributes_entries(good.data(), good.size()).has_value());
    EXPECT_EQ(*rota::memory_attributes_size(good.data()), good.size());

    auto edit = [&](size_t offset, uint32_t value) {
        auto bytes = good;
        std::memcpy(bytes.data() + offset, &value, sizeof value);
        return bytes;
    };
    auto version = edit(0, 3);
    EXPECT_EQ(rota::memory_attributes_entries(version.data(), version.size()).error(),
        rota::Error::Corrupt);
    auto small = edit(8, 32);
    EXPECT_EQ(
        rota::memory_attributes_entries(small.data(), small.size()).error(), rota::Error::Corrupt);
    auto many = edit(4, 1'000'000);
    EXPECT_EQ(rota::memory_attributes_size(many.data()).error(), rota::Error::Corrupt);
    auto longer = edit(4, 2); // says two entries, holds one
    EXPECT_EQ(rota::memory_attributes_entries(longer.data(), longer.size()).error(),
        rota::Error::InvalidArgument);
    EXPECT_EQ(
        rota::memory_attributes_entries(good.data(), 8).error(), rota::Error::InvalidArgument);
}

} // namespace
