#include "core/mem/memory_map.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "support/memory_map_builder.h"

using rota::EfiMemoryDescriptor;
using rota::EfiMemoryType;
using rota::FreeRange;
using rota::PhysAddr;
using rota::RawMemoryMap;
using rota::UsableMemory;
using rota::UsablePolicy;

namespace {

constexpr uint64_t KiB = 1024;
constexpr uint64_t MiB = 1024 * KiB;
constexpr uint64_t GiB = 1024 * MiB;

constexpr auto Conventional = EfiMemoryType::Conventional;
constexpr auto Reserved = EfiMemoryType::Reserved;

struct Range {
    uint64_t base;
    uint64_t pages;
    bool operator==(const Range&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Range& range)
{
    return out << "{0x" << std::hex << range.base << ", 0x" << range.pages << std::dec << "}";
}

std::vector<Range> ranges_of(const UsableMemory& usable)
{
    std::vector<Range> result;
    for (size_t i = 0; i < usable.count; ++i)
        result.push_back({usable.ranges[i].base.get(), usable.ranges[i].pages});
    return result;
}

std::vector<Range> usable_ranges(const MapBuilder& map, UsablePolicy policy = {})
{
    auto usable = rota::find_usable_memory(map.raw(), policy);
    if (usable.is_error()) {
        ADD_FAILURE() << "find_usable_memory failed: " << rota::error_name(usable.error());
        return {};
    }
    uint64_t total = 0;
    for (size_t i = 0; i < usable->count; ++i)
        total += usable->ranges[i].pages;
    EXPECT_EQ(usable->total_pages, total);
    return ranges_of(*usable);
}

constexpr uint64_t pages(uint64_t bytes)
{
    return bytes / rota::page_size;
}

} // namespace

TEST(MemoryMap, DescriptorLayoutIsTheSpecs)
{
    EXPECT_EQ(offsetof(EfiMemoryDescriptor, type), 0u);
    EXPECT_EQ(offsetof(EfiMemoryDescriptor, physical_start), 8u);
    EXPECT_EQ(offsetof(EfiMemoryDescriptor, virtual_start), 16u);
    EXPECT_EQ(offsetof(EfiMemoryDescriptor, number_of_pages), 24u);
    EXPECT_EQ(offsetof(EfiMemoryDescriptor, attribute), 32u);
    EXPECT_EQ(static_cast<uint32_t>(EfiMemoryType::Conventional), 7u);
    EXPECT_EQ(static_cast<uint32_t>(EfiMemoryType::Unaccepted), 15u);
}

TEST(MemoryMap, CountDescriptors)
{
    MapBuilder map(48);
    map.add(Conventional, 0, 1).add(Conventional, 4096, 1).add(Reserved, 8192, 1);
    auto count = rota::count_descriptors(map.raw());
    ASSERT_TRUE(count.has_value());
    EXPECT_EQ(*count, 3u);

    // A partial descriptor at the end is ignored.
    RawMemoryMap partial = map.raw();
    partial.size -= 1;
    EXPECT_EQ(rota::count_descriptors(partial).value(), 2u);
    partial.size = 47;
    EXPECT_EQ(rota::count_descriptors(partial).value(), 0u);

    RawMemoryMap small_stride = map.raw();
    small_stride.descriptor_size = 39;
    ASSERT_TRUE(rota::count_descriptors(small_stride).is_error());
    EXPECT_EQ(rota::count_descriptors(small_stride).error(), rota::Error::InvalidArgument);
    small_stride.descriptor_size = 0;
    EXPECT_TRUE(rota::count_descriptors(small_stride).is_error());

    EXPECT_EQ(rota::count_descriptors({nullptr, 0, 48}).value(), 0u);
    EXPECT_TRUE(rota::count_descriptors({nullptr, 96, 48}).is_error());
}

TEST(MemoryMap, ReadDescriptorFromAnUnalignedBuffer)
{
    MapBuilder map(44, 0xee);
    map.add(Conventional, 0x1000, 1).add(Reserved, 0x123000, 7, 0x8000000000000000);
    std::vector<uint8_t> shifted(map.bytes().size() + 1);
    std::memcpy(shifted.data() + 1, map.bytes().data(), map.bytes().size());
    EfiMemoryDescriptor second
        = rota::read_descriptor({shifted.data() + 1, map.bytes().size(), 44}, 1);
    EXPECT_EQ(second.type, 0u);
    EXPECT_EQ(second.physical_start, 0x123000u);
    EXPECT_EQ(second.number_of_pages, 7u);
    EXPECT_EQ(second.attribute, 0x8000000000000000u);
}

TEST(MemoryMap, BadStrideIsAnError)
{
    MapBuilder map;
    map.add(Conventional, 16 * MiB, 16);
    RawMemoryMap raw = map.raw();
    raw.descriptor_size = 32;
    auto usable = rota::find_usable_memory(raw, {});
    ASSERT_TRUE(usable.is_error());
    EXPECT_EQ(usable.error(), rota::Error::InvalidArgument);
}

TEST(MemoryMap, NothingUsableIsNotFound)
{
    MapBuilder map;
    map.add(Reserved, 16 * MiB, 16).add(Conventional, 0, 16);
    auto usable = rota::find_usable_memory(map.raw(), {});
    ASSERT_TRUE(usable.is_error());
    EXPECT_EQ(usable.error(), rota::Error::NotFound);

    MapBuilder empty;
    EXPECT_EQ(rota::find_usable_memory(empty.raw(), {}).error(), rota::Error::NotFound);
}

TEST(MemoryMap, SingleRange)
{
    MapBuilder map;
    map.add(Conventional, 16 * MiB, 256);
    EXPECT_EQ(usable_ranges(map), (std::vector<Range> {{16 * MiB, 256}}));
}

TEST(MemoryMap, FirstMegabyteIsKept)
{
    MapBuilder map;
    map.add(Conventional, 0x1000, 0x9f).add(Conventional, 0x80000, pages(2 * MiB - 0x80000));
    EXPECT_EQ(usable_ranges(map), (std::vector<Range> {{MiB, pages(MiB)}}));

    UsablePolicy everything {.reclaim_boot_services = false, .lowest_address = 0};
    EXPECT_EQ(usable_ranges(map, everything), (std::vector<Range> {{0x1000, pages(2 * MiB) - 1}}));

    UsablePolicy odd_floor {.reclaim_boot_services = false, .lowest_address = MiB + 1};
    EXPECT_EQ(usable_ranges(map, odd_floor), (std::vector<Range> {{MiB + 4096, pages(MiB) - 1}}));

    UsablePolicy absurd_floor {.reclaim_boot_services = false, .lowest_address = UINT64_MAX};
    EXPECT_TRUE(rota::find_usable_memory(map.raw(), absurd_floor).is_error());
}

TEST(MemoryMap, UnsortedInputGivesSortedOutput)
{
    MapBuilder map;
    map.add(Conventional, 3 * GiB, 16)
        .add(Conventional, 16 * MiB, 16)
        .add(Conventional, 5 * GiB, 16)
        .add(Conventional, 2 * MiB, 16);
    EXPECT_EQ(usable_ranges(map),
        (std::vector<Range> {{2 * MiB, 16}, {16 * MiB, 16}, {3 * GiB, 16}, {5 * GiB, 16}}));
}

TEST(MemoryMap, AdjacentAndOverlappingUsableRangesMerge)
{
    MapBuilder map;
    map.add(Conventional, 2 * MiB, 256)
        .add(Conventional, 2 * MiB + 256 * 4096, 256) // adjacent
        .add(Conventional, 2 * MiB + 100 * 4096, 300) // inside both
        .add(Conventional, 2 * MiB + 500 * 4096, 100) // overlaps the end
        .add(Conventional, 2 * MiB, 10); // duplicate start
    EXPECT_EQ(usable_ranges(map), (std::vector<Range> {{2 * MiB, 600}}));
}

TEST(MemoryMap, NonUsableWinsOverlaps)
{
    MapBuilder map;
    map.add(Conventional, 16 * MiB, 1000)
        .add(EfiMemoryType::AcpiNvs, 16 * MiB + 100 * 4096, 10) // cuts it in two
        .add(Reserved, 16 * MiB + 990 * 4096, 20) // overlaps its end
        .add(EfiMemoryType::LoaderData, 16 * MiB - 5 * 4096, 10); // overlaps its start
    EXPECT_EQ(usable_ranges(map),
        (std::vector<Range> {{16 * MiB + 5 * 4096, 95}, {16 * MiB + 110 * 4096, 880}}));

    MapBuilder swallowed;
    swallowed.add(Conventional, 16 * MiB, 10)
        .add(Reserved, 15 * MiB, 1000)
        .add(Conventional, 32 * MiB, 1);
    EXPECT_EQ(usable_ranges(swallowed), (std::vector<Range> {{32 * MiB, 1}}));
}

TEST(MemoryMap, OddSizedDescriptorsAlignInwardAndBlockOutward)
{
    MapBuilder map;
    // Starts mid-page: the partial first page is not handed out.
    map.add(Conventional, 16 * MiB + 0x800, 4);
    // A blocking range starting mid-page blocks the whole page it touches.
    map.add(Conventional, 32 * MiB, 8).add(Reserved, 32 * MiB + 2 * 4096 + 0x10, 1);
    EXPECT_EQ(usable_ranges(map),
        (std::vector<Range> {{16 * MiB + 4096, 3}, {32 * MiB, 2}, {32 * MiB + 4 * 4096, 4}}));
}

TEST(MemoryMap, Stride48WithGarbageInTheExtraBytes)
{
    for (uint8_t filler : {uint8_t(0x00), uint8_t(0xff), uint8_t(0xa5)}) {
        MapBuilder map(48, filler);
        map.add(Conventional, 2 * MiB, 100)
            .add(Reserved, 2 * MiB + 50 * 4096, 1)
            .add(Conventional, 8 * MiB, 1);
        EXPECT_EQ(usable_ranges(map),
            (std::vector<Range> {{2 * MiB, 50}, {2 * MiB + 51 * 4096, 49}, {8 * MiB, 1}}));
    }
}

TEST(MemoryMap, ZeroPageDescriptorsAreIgnored)
{
    MapBuilder map;
    map.add(Conventional, 2 * MiB, 10)
        .add(Reserved, 2 * MiB + 4096, 0)
        .add(Conventional, 64 * MiB, 0);
    EXPECT_EQ(usable_ranges(map), (std::vector<Range> {{2 * MiB, 10}}));
}

TEST(MemoryMap, OverflowingUsableDescriptorsAreRejected)
{
    MapBuilder map;
    map.add(Conventional, 2 * MiB, 10)
        .add(Conventional, 4 * MiB, UINT64_MAX) // pages * 4096 wraps
        .add(Conventional, 0xfffffffffffff000, 2) // start + length wraps
        .add(Conventional, (1ull << 52) - 4096, 2) // past the 52-bit physical limit
        .add(Conventional, 1ull << 60, 1); // entirely beyond it
    auto usable = rota::find_usable_memory(map.raw(), {});
    ASSERT_TRUE(usable.has_value());
    EXPECT_EQ(ranges_of(*usable), (std::vector<Range> {{2 * MiB, 10}}));
    EXPECT_EQ(usable->rejected, 4u);
    EXPECT_EQ(usable->total_pages, 10u);
}

TEST(MemoryMap, UsableRangeEndingAtThePhysicalLimit)
{
    MapBuilder map;
    map.add(Conventional, (1ull << 52) - 2 * 4096, 2);
    auto usable = rota::find_usable_memory(map.raw(), {});
    ASSERT_TRUE(usable.has_value());
    EXPECT_EQ(ranges_of(*usable), (std::vector<Range> {{(1ull << 52) - 2 * 4096, 2}}));
    EXPECT_EQ(usable->rejected, 0u);
}

TEST(MemoryMap, OverflowingBlockingDescriptorsBlockToTheEnd)
{
    MapBuilder map;
    map.add(Conventional, 2 * MiB, 10)
        .add(Conventional, 8 * GiB, 10)
        .add(Reserved, 4 * GiB, UINT64_MAX);
    EXPECT_EQ(usable_ranges(map), (std::vector<Range> {{2 * MiB, 10}}));

    MapBuilder wrapping;
    wrapping.add(Conventional, 2 * MiB, 10)
        .add(Conventional, 8 * GiB, 10)
        .add(Reserved, 6 * GiB, 1ull << 51);
    EXPECT_EQ(usable_ranges(wrapping), (std::vector<Range> {{2 * MiB, 10}}));
}

TEST(MemoryMap, BootServicesMemoryFollowsThePolicy)
{
    MapBuilder map;
    map.add(Conventional, 2 * MiB, 10)
        .add(EfiMemoryType::BootServicesData, 2 * MiB + 10 * 4096, 10)
        .add(EfiMemoryType::BootServicesCode, 2 * MiB + 20 * 4096, 10)
        .add(EfiMemoryType::LoaderData, 2 * MiB + 30 * 4096, 10)
        .add(EfiMemoryType::RuntimeServicesData, 2 * MiB + 40 * 4096, 10);
    EXPECT_EQ(
        usable_ranges(map, {.reclaim_boot_services = false}), (std::vector<Range> {{2 * MiB, 10}}));
    EXPECT_EQ(
        usable_ranges(map, {.reclaim_boot_services = true}), (std::vector<Range> {{2 * MiB, 30}}));
}

TEST(MemoryMap, LoaderDataFollowsThePolicyAndKeptRangesStayOut)
{
    MapBuilder map;
    map.add(Conventional, 2 * MiB, 10)
        .add(EfiMemoryType::LoaderData, 2 * MiB + 10 * 4096, 10)
        .add(EfiMemoryType::BootServicesData, 2 * MiB + 20 * 4096, 10)
        .add(EfiMemoryType::LoaderData, 2 * MiB + 30 * 4096, 10);
    EXPECT_EQ(usable_ranges(map, {.reclaim_loader_data = true}),
        (std::vector<Range> {{2 * MiB, 20}, {2 * MiB + 30 * 4096, 10}}));
    // What the kernel keeps of its loader data, a page of boot-services data
    // (say, a framebuffer there) and a range outside the map.
    rota::PhysRange keep[] = {{PhysAddr(2 * MiB + 12 * 4096), 2},
        {PhysAddr(2 * MiB + 25 * 4096), 1}, {PhysAddr(64 * GiB), 100}};
    EXPECT_EQ(usable_ranges(
                  map, {.reclaim_boot_services = true, .reclaim_loader_data = true, .keep = keep}),
        (std::vector<Range> {{2 * MiB, 12}, {2 * MiB + 14 * 4096, 11}, {2 * MiB + 26 * 4096, 14}}));
}

TEST(MemoryMap, WithoutConventionalMemoryOnlyTheReclaimableRemains)
{
    MapBuilder map;
    map.add(Conventional, 2 * MiB, 10)
        .add(EfiMemoryType::BootServicesCode, 2 * MiB + 10 * 4096, 10)
        .add(Conventional, 2 * MiB + 20 * 4096, 10)
        .add(EfiMemoryType::LoaderData, 2 * MiB + 30 * 4096, 10)
        // Boot-services data overlapping conventional memory: neither query
        // hands it out, because each sees the other type as in use.
        .add(EfiMemoryType::BootServicesData, 2 * MiB + 24 * 4096, 2);
    UsablePolicy boot_services {.conventional = false, .reclaim_boot_services = true};
    EXPECT_EQ(usable_ranges(map, boot_services), (std::vector<Range> {{2 * MiB + 10 * 4096, 10}}));
    UsablePolicy loader {.conventional = false, .reclaim_loader_data = true};
    EXPECT_EQ(usable_ranges(map, loader), (std::vector<Range> {{2 * MiB + 30 * 4096, 10}}));
    EXPECT_EQ(usable_ranges(map),
        (std::vector<Range> {{2 * MiB, 10}, {2 * MiB + 20 * 4096, 4}, {2 * MiB + 26 * 4096, 4}}));
}

TEST(MemoryMap, AKeptRangeAtTheEdgeOfTheAddressSpaceIsHarmless)
{
    MapBuilder map;
    map.add(Conventional, 2 * MiB, 10);
    rota::PhysRange keep[] = {{PhysAddr(UINT64_MAX & ~0xfffull), 1},
        {PhysAddr(2 * MiB + 4096), UINT64_MAX / 4096}, {PhysAddr(2 * MiB), 0}};
    EXPECT_EQ(usable_ranges(map, {.keep = keep}), (std::vector<Range> {{2 * MiB, 1}}));
}

TEST(MemoryMap, EveryOtherTypeBlocks)
{
    for (uint32_t type : {0u, 1u, 2u, 5u, 6u, 8u, 9u, 10u, 11u, 12u, 13u, 14u, 15u, 16u,
             0x70000000u, 0x80000001u, 0xffffffffu}) {
        MapBuilder map;
        map.add(Conventional, 2 * MiB, 30).add(type, 2 * MiB + 10 * 4096, 10);
        EXPECT_EQ(usable_ranges(map, {.reclaim_boot_services = true}),
            (std::vector<Range> {{2 * MiB, 10}, {2 * MiB + 20 * 4096, 10}}))
            << "type " << type;
    }
}

TEST(MemoryMap, SpecificPurposeMemoryIsNotUsable)
{
    MapBuilder map;
    map.add(Conventional, 2 * MiB, 10)
        .add(Conventional, 4 * GiB, 1000, 0xf | rota::efi_memory_specific_purpose);
    EXPECT_EQ(usable_ranges(map), (std::vector<Range> {{2 * MiB, 10}}));
}

TEST(MemoryMap, TooManyRangesKeepTheLargest)
{
    // 300 separate ranges of 1..300 pages, each followed by a reserved page,
    // listed in a shuffled order.
    std::vector<std::pair<uint64_t, uint64_t>> layout;
    uint64_t address = 2 * MiB;
    for (uint64_t size = 1; size <= 300; ++size) {
        layout.push_back({address, size});
        address += (size + 1) * 4096;
    }
    std::vector<size_t> order(layout.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::shuffle(order.begin(), order.end(), std::mt19937(7));
    MapBuilder map(48, 0xcc);
    for (size_t i : order) {
        map.add(Conventional, layout[i].first, layout[i].second);
        map.add(Reserved, layout[i].first + layout[i].second * 4096, 1);
    }

    auto usable = rota::find_usable_memory(map.raw(), {});
    ASSERT_TRUE(usable.has_value());
    EXPECT_EQ(usable->count, rota::max_free_ranges);
    EXPECT_EQ(usable->dropped, 300u - rota::max_free_ranges);
    std::vector<Range> expected;
    uint64_t total = 0;
    for (auto [base, size] : layout) {
        if (size > 300 - rota::max_free_ranges) {
            expected.push_back({base, size});
            total += size;
        }
    }
    EXPECT_EQ(ranges_of(*usable), expected);
    EXPECT_EQ(usable->total_pages, total);
}

TEST(MemoryMap, OvmfLikeMap)
{
    // The shape of the map OVMF hands over on QEMU q35 with 512 MiB, 48-byte
    // stride, in OVMF's (address) order, with runtime and ACPI ranges among the
    // free memory and the flash and local APIC MMIO at the top of 4 GiB.
    using T = EfiMemoryType;
    MapBuilder map(48);
    map.add(T::BootServicesCode, 0x0, 1)
        .add(T::Conventional, 0x1000, 0x9f)
        .add(T::Conventional, 0x100000, 0x700)
        .add(T::AcpiNvs, 0x800000, 0x8)
        .add(T::Conventional, 0x808000, 0x3)
        .add(T::AcpiNvs, 0x80b000, 0x1)
        .add(T::Conventional, 0x80c000, 0x4)
        .add(T::AcpiNvs, 0x810000, 0xf0)
        .add(T::BootServicesData, 0x900000, 0x1000)
        .add(T::Conventional, 0x1900000, 0x1cf00)
        .add(T::LoaderData, 0x1e800000, 0x20)
        .add(T::LoaderCode, 0x1e820000, 0x40)
        .add(T::BootServicesData, 0x1e860000, 0x100)
        .add(T::Conventional, 0x1e960000, 0x400)
        .add(T::BootServicesCode, 0x1ed60000, 0x80)
        .add(T::RuntimeServicesData, 0x1ede0000, 0x20, 0x800000000000000f)
        .add(T::RuntimeServicesCode, 0x1ee00000, 0x20, 0x800000000000000f)
        .add(T::Reserved, 0x1ee20000, 0x80)
        .add(T::AcpiReclaim, 0x1eea0000, 0x10)
        .add(T::AcpiNvs, 0x1eeb0000, 0x40)
        .add(T::BootServicesData, 0x1eef0000, 0x900)
        .add(T::Conventional, 0x1f7f0000, 0x400)
        .add(T::BootServicesData, 0x1fbf0000, 0x2a0)
        .add(T::RuntimeServicesData, 0x1fe90000, 0x70, 0x800000000000000f)
        .add(T::AcpiNvs, 0x1ff00000, 0x100)
        .add(T::Reserved, 0xb0000000, 0x10000, 0x1)
        .add(T::MemoryMappedIo, 0xffc00000, 0x400, 0x8000000000000001)
        .add(T::Reserved, 0xfd00000000, 0x300000, 0x0);

    std::vector<Range> conventional_only = {
        {0x100000, 0x700},
        {0x808000, 0x3},
        {0x80c000, 0x4},
        {0x1900000, 0x1cf00},
        {0x1e960000, 0x400},
        {0x1f7f0000, 0x400},
    };
    EXPECT_EQ(usable_ranges(map, {.reclaim_boot_services = false}), conventional_only);

    std::vector<Range> with_boot_services = {
        {0x100000, 0x700},
        {0x808000, 0x3},
        {0x80c000, 0x4},
        {0x900000, 0x1000 + 0x1cf00}, // boot-services data then conventional, merged
        {0x1e860000, 0x100 + 0x400 + 0x80},
        {0x1eef0000, 0x900 + 0x400 + 0x2a0},
    };
    EXPECT_EQ(usable_ranges(map, {.reclaim_boot_services = true}), with_boot_services);
}

TEST(MemoryMap, MatchesAPageByPageModel)
{
    // Random descriptors in the first 64 MiB against a model that marks each
    // page: usable when some usable descriptor covers it and no other one does.
    constexpr uint64_t model_pages = pages(64 * MiB);
    std::mt19937_64 random(12345);
    for (int round = 0; round < 200; ++round) {
        std::vector<int> usable_cover(model_pages, 0);
        std::vector<int> blocked(model_pages, 0);
        MapBuilder map(40 + 8 * (round % 3), static_cast<uint8_t>(round));
        int descriptors = 1 + static_cast<int>(random() % 40);
        for (int i = 0; i < descriptors; ++i) {
            uint64_t first = random() % model_pages;
            uint64_t length = random() % 2 == 0 ? random() % 64 : random() % 4096;
            length = std::min(length, model_pages - first);
            bool usable = random() % 3 != 0;
            map.add(usable ? EfiMemoryType::Conventional : EfiMemoryType::AcpiNvs, first * 4096,
                length);
            for (uint64_t page = first; page < first + length; ++page)
                (usable ? usable_cover : blocked)[page] = 1;
        }

        std::vector<Range> expected;
        for (uint64_t page = pages(MiB); page < model_pages; ++page) {
            if (usable_cover[page] == 0 || blocked[page] != 0)
                continue;
            if (!expected.empty()
                && expected.back().base + expected.back().pages * 4096 == page * 4096)
                ++expected.back().pages;
            else
                expected.push_back({page * 4096, 1});
        }

        auto usable = rota::find_usable_memory(map.raw(), {});
        if (expected.empty()) {
            ASSERT_TRUE(usable.is_error()) << "round " << round;
            continue;
        }
        ASSERT_TRUE(usable.has_value()) << "round " << round;
        ASSERT_EQ(ranges_of(*usable), expected) << "round " << round;
    }
}
