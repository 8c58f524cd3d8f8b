#include "core/mem/kernel_address_space.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/mem/memory_attributes.h"
#include "core/mem/page_table.h"
#include "support/fake_page_table_memory.h"
#include "support/memory_map_builder.h"
#include "support/memory_map_fixture.h"

using rota::Access;
using rota::AddressSpaceInputs;
using rota::AddressSpacePlan;
using rota::DeviceRange;
using rota::EfiMemoryDescriptor;
using rota::EfiMemoryType;
using rota::MemoryType;
using rota::PageAttributes;
using rota::PageTable;
using rota::PhysAddr;
using rota::StackRegion;
using rota::VirtAddr;

namespace {

constexpr uint64_t KiB = 1024;
constexpr uint64_t MiB = 1024 * KiB;
constexpr uint64_t GiB = 1024 * MiB;
constexpr uint64_t runtime_bit = 0x8000000000000000;
constexpr uint64_t xp_bit = 0x4000;
constexpr uint64_t ro_bit = 0x20000;

constexpr PageAttributes rw_wb {Access::ReadWrite, MemoryType::WriteBack};
constexpr PageAttributes rw_uc {Access::ReadWrite, MemoryType::Uncached};

// Builds the plan for a boot and the page table from it, the way the kernel
// does (core/mem/paging.cpp), on fake table memory.
struct BuiltTable {
    FakePageTableMemory memory;
    std::unique_ptr<AddressSpacePlan> plan = std::make_unique<AddressSpacePlan>();
    std::unique_ptr<AddressSpacePlan::Flat> flat = std::make_unique<AddressSpacePlan::Flat>();
    std::optional<PageTable> table;
    rota::AddressSpaceSummary summary;

    explicit BuiltTable(const AddressSpaceInputs& inputs, rota::PagingFeatures features = {})
    {
        auto planned = rota::plan_address_space(inputs, *plan);
        EXPECT_TRUE(planned.has_value());
        if (planned.has_value())
            summary = *planned;
        plan->flatten(*flat);
        auto created = PageTable::create(memory, features);
        EXPECT_TRUE(created.has_value());
        table.emplace(created.release_value());
        for (const auto& run : flat->view()) {
            EXPECT_TRUE(table->map(
                VirtAddr(run.start), PhysAddr(run.start), run.end - run.start, run.attributes));
        }
    }

    std::optional<PageAttributes> at(uint64_t address) const
    {
        auto t = table->translate(VirtAddr(address));
        if (!t)
            return std::nullopt;
        EXPECT_EQ(t->phys.get(), address) << "not identity mapped: 0x" << std::hex << address;
        return t->attributes;
    }
};

// The devices QEMU's ACPI tables describe (tests/fixtures/acpi): the local APIC,
// the I/O APIC and, on q35, the ECAM window of buses 0-255.
std::vector<DeviceRange> devices_of(const std::string& machine)
{
    std::vector<DeviceRange> devices
        = {{PhysAddr(0xfee00000), 4 * KiB}, {PhysAddr(0xfec00000), 4 * KiB}};
    if (machine.rfind("q35", 0) == 0)
        devices.push_back({PhysAddr(0xb0000000), 256 * MiB});
    return devices;
}

// What a page must be, stated address by address from the inputs, highest
// precedence first; independent of the plan's layering.
class Oracle {
public:
    Oracle(const CapturedBoot& boot, std::vector<DeviceRange> devices)
        : m_boot(boot)
        , m_devices(std::move(devices))
    {
        size_t count = *rota::count_descriptors(boot.raw());
        for (size_t i = 0; i < count; ++i)
            m_map.push_back(rota::read_descriptor(boot.raw(), i));
        if (auto entries = boot.attribute_entries()) {
            size_t n = *rota::count_descriptors(*entries);
            for (size_t i = 0; i < n; ++i)
                m_attributes.push_back(rota::read_descriptor(*entries, i));
        }
    }

    const std::vector<EfiMemoryDescriptor>& map() const { return m_map; }

    std::optional<PageAttributes> expected(uint64_t a) const
    {
        if (a < 4 * KiB)
            return std::nullopt;
        for (const StackRegion& stack : m_boot.stacks) {
            if (a >= stack.bottom - 4 * KiB && a < stack.bottom)
                return std::nullopt;
        }
        const auto& image = m_boot.image;
        if (a >= image.text_start && a < image.text_end)
            return PageAttributes {Access::ReadExecute, MemoryType::WriteBack};
        if (a >= image.data_start && a < image.data_end)
            return rw_wb;
        if (a >= image.base && a < image.end)
            return PageAttributes {Access::ReadOnly, MemoryType::WriteBack};
        if (a >= m_boot.framebuffer && a < m_boot.framebuffer + m_boot.framebuffer_bytes)
            return PageAttributes {Access::ReadWrite, MemoryType::WriteCombining};
        for (const auto& e : m_attributes) {
            if (contains(e, a)) {
                bool ro = e.attribute & ro_bit, xp = e.attribute & xp_bit;
                return PageAttributes {ro ? (xp ? Access::ReadOnly : Access::ReadExecute)
                                          : (xp ? Access::ReadWrite : Access::ReadWriteExecute),
                    MemoryType::WriteBack};
            }
        }
        for (const auto& d : m_map) {
            if (!contains(d, a) || !(d.attribute & runtime_bit))
                continue;
            if (d.type == uint32_t(EfiMemoryType::MemoryMappedIo))
                return rw_uc;
            if (d.type == uint32_t(EfiMemoryType::RuntimeServicesCode))
                return PageAttributes {Access::ReadWriteExecute, MemoryType::WriteBack};
            return rw_wb;
        }
        for (const auto& d : m_map) {
            if (contains(d, a) && is_ram(d.type))
                return rw_wb;
        }
        for (const auto& device : m_devices) {
            if (a >= device.base.get() && a < device.base.get() + device.bytes)
                return rw_uc;
        }
        return std::nullopt;
    }

private:
    static bool contains(const EfiMemoryDescriptor& d, uint64_t a)
    {
        return a >= d.physical_start && a < d.physical_start + d.number_of_pages * 4 * KiB;
    }
    static bool is_ram(uint32_t type)
    {
        switch (EfiMemoryType(type)) {
        case EfiMemoryType::LoaderCode:
        case EfiMemoryType::LoaderData:
        case EfiMemoryType::BootServicesCode:
        case EfiMemoryType::BootServicesData:
        case EfiMemoryType::Conventional:
        case EfiMemoryType::AcpiReclaim:
        case EfiMemoryType::AcpiNvs:
            return true;
        default:
            return false;
        }
    }

    const CapturedBoot& m_boot;
    std::vector<DeviceRange> m_devices;
    std::vector<EfiMemoryDescriptor> m_map;
    std::vector<EfiMemoryDescriptor> m_attributes;
};

std::string describe(std::optional<PageAttributes> attributes)
{
    if (!attributes)
        return "unmapped";
    return std::string(rota::access_name(attributes->access)) + " "
        + rota::memory_type_name(attributes->type);
}

class CapturedMachines : public ::testing::TestWithParam<const char*> { };

// Every page every descriptor describes, every device page, the framebuffer and
// the holes between descriptors, against the oracle.
TEST_P(CapturedMachines, EveryPageHasThePermissionsAndMemoryTypeItNeeds)
{
    std::string machine = GetParam();
    CapturedBoot boot = load_captured_boot(machine);
    std::vector<DeviceRange> devices = devices_of(machine);
    AddressSpaceInputs inputs {
        .memory_map = boot.raw(),
        .memory_attributes = boot.attribute_entries(),
        .image = boot.image,
        .devices = devices,
        .framebuffer = DeviceRange {PhysAddr(boot.framebuffer), boot.framebuffer_bytes},
        .stacks = boot.stacks,
    };
    BuiltTable built(inputs);
    Oracle oracle(boot, devices);

    size_t checked = 0, wrong = 0;
    auto check = [&](uint64_t address) {
        ++checked;
        auto got = built.at(address);
        auto want = oracle.expected(address);
        if (got != want && ++wrong <= 10)
            ADD_FAILURE() << machine << " 0x" << std::hex << address << ": " << describe(got)
                          << ", want " << describe(want);
    };
    for (const auto& d : oracle.map()) {
        // Every page of small descriptors and of both ends of large ones; in the
        // middle of a large one every 7th page, which still lands on every
        // offset within a 2 MiB page.
        for (uint64_t page = 0; page < d.number_of_pages; ++page) {
            bool end = page < 1024 || d.number_of_pages - page <= 1024;
            if (end || page % 7 == 0)
                check(d.physical_start + page * 4 * KiB);
        }
        // The first page after it, which may be a hole.
        check(d.physical_start + d.number_of_pages * 4 * KiB);
    }
    for (const auto& device : devices) {
        for (uint64_t offset = 0; offset < device.bytes; offset += 2 * MiB)
            check(device.base.get() + offset);
    }
    for (uint64_t offset = 0; offset < boot.framebuffer_bytes + 8 * KiB; offset += 4 * KiB)
        check(boot.framebuffer + offset);
    // Holes the map does not describe: the legacy VGA window, below the local APIC.
    check(0xa0000);
    check(0xfed00000);
    EXPECT_EQ(wrong, 0u) << "of " << checked << " pages checked";
    EXPECT_EQ(built.memory.bad_accesses(), 0u);
}

// With the memory attributes table OVMF publishes, nothing at all is both
// writable and executable.
TEST_P(CapturedMachines, NoPageIsWritableAndExecutable)
{
    CapturedBoot boot = load_captured_boot(GetParam());
    ASSERT_FALSE(boot.attributes.empty()) << "OVMF publishes a memory attributes table";
    AddressSpaceInputs inputs {.memory_map = boot.raw(),
        .memory_attributes = boot.attribute_entries(),
        .image = boot.image,
        .stacks = boot.stacks};
    BuiltTable built(inputs);
    for (const auto& run : built.flat->view())
        EXPECT_NE(run.attributes.access, Access::ReadWriteExecute)
            << std::hex << run.start << "-" << run.end;
    EXPECT_EQ(built.summary.firmware.attribute_entries_ignored, 0u);
    EXPECT_GT(built.summary.firmware.attribute_entries, 0u);

    // Without it, only the firmware's runtime code is, and all of it.
    AddressSpaceInputs without = inputs;
    without.memory_attributes.reset();
    BuiltTable plain(without);
    uint64_t rwx = 0, runtime_code = 0;
    for (const auto& run : plain.flat->view()) {
        if (run.attributes.access == Access::ReadWriteExecute)
            rwx += run.end - run.start;
    }
    for (size_t i = 0; i < *rota::count_descriptors(boot.raw()); ++i) {
        auto d = rota::read_descriptor(boot.raw(), i);
        if (d.type == uint32_t(EfiMemoryType::RuntimeServicesCode))
            runtime_code += d.number_of_pages * 4 * KiB;
    }
    EXPECT_GT(rwx, 0u);
    EXPECT_EQ(rwx, runtime_code);
}

// Large pages where alignment allows, and few tables: the 512 MiB machines need
// about a dozen, the 6 GiB ones a few more for the memory above 4 GiB.
TEST_P(CapturedMachines, UsesLargePagesAndFewTables)
{
    std::string machine = GetParam();
    CapturedBoot boot = load_captured_boot(machine);
    std::vector<DeviceRange> devices = devices_of(machine);
    AddressSpaceInputs inputs {.memory_map = boot.raw(),
        .memory_attributes = boot.attribute_entries(),
        .image = boot.image,
        .devices = devices,
        .framebuffer = DeviceRange {PhysAddr(boot.framebuffer), boot.framebuffer_bytes},
        .stacks = boot.stacks};
    BuiltTable built(inputs);
    auto stats = built.table->stats();
    EXPECT_GT(stats.pages_2m, 200u) << machine;
    EXPECT_LT(stats.tables, 48u) << machine;
    // Memory above 4 GiB on the 6 GiB machines is in 2 MiB pages from its start.
    if (machine.find("6g") != std::string::npos) {
        auto high = built.table->translate(VirtAddr(4 * GiB));
        ASSERT_TRUE(high.has_value());
        EXPECT_EQ(high->page_bytes, 2 * MiB);
        EXPECT_EQ(high->attributes, rw_wb);
        EXPECT_TRUE(built.table->translate(VirtAddr(6 * GiB - 4 * KiB)).has_value());
    }

    BuiltTable huge(inputs, {.gigabyte_pages = true});
    if (machine.find("6g") != std::string::npos) {
        EXPECT_GT(huge.table->stats().pages_1g, 0u);
    }
}

// Everything the page allocator may hand out, and everything the kernel keeps,
// is mapped read-write: a missing page would be a fault on first use.
TEST_P(CapturedMachines, AllUsableAndKeptMemoryIsWritableData)
{
    CapturedBoot boot = load_captured_boot(GetParam());
    AddressSpaceInputs inputs {.memory_map = boot.raw(),
        .memory_attributes = boot.attribute_entries(),
        .image = boot.image,
        .stacks = boot.stacks};
    BuiltTable built(inputs);
    auto usable = rota::find_usable_memory(
        boot.raw(), rota::UsablePolicy {.reclaim_boot_services = true, .lowest_address = 1 * MiB});
    ASSERT_TRUE(usable.has_value());
    for (size_t i = 0; i < usable->count; ++i) {
        const auto& range = usable->ranges[i];
        for (uint64_t page = 0; page < range.pages; ++page) {
            uint64_t address = range.base.get() + page * 4 * KiB;
            auto got = built.at(address);
            ASSERT_EQ(got, rw_wb) << std::hex << address;
        }
    }
    for (const auto& kept : boot.kept) {
        for (uint64_t page = 0; page < kept.pages; ++page) {
            uint64_t address = kept.base.get() + page * 4 * KiB;
            bool guard = false;
            for (const auto& stack : boot.stacks)
                guard = guard || stack.in_guard(address);
            EXPECT_EQ(built.at(address), guard ? std::nullopt : std::optional(rw_wb))
                << std::hex << address;
        }
    }
    // Both trampoline pages, written by the boot CPU before any AP starts.
    EXPECT_EQ(built.at(boot.trampoline), rw_wb);
    EXPECT_EQ(built.at(boot.trampoline + 4 * KiB), rw_wb);
}

// The allocator's three sets as memory_init and memory_finish_boot compute them
// (core/mem/kernel_memory.cpp): free at once, boot-services memory and loader
// data given back later. They are disjoint, keep what the kernel keeps out, and
// on 512 MiB add up to the 490 MiB the issue asks for.
TEST_P(CapturedMachines, ReclaimingGivesBackTheFirmwaresMemory)
{
    std::string machine = GetParam();
    CapturedBoot boot = load_captured_boot(machine);
    std::vector<rota::PhysRange> keep = boot.kept;
    keep.push_back({PhysAddr(boot.framebuffer), (boot.framebuffer_bytes + 4095) / 4096});
    auto now = rota::find_usable_memory(boot.raw(), {.keep = keep});
    auto boot_services = rota::find_usable_memory(
        boot.raw(), {.conventional = false, .reclaim_boot_services = true, .keep = keep});
    auto loader = rota::find_usable_memory(
        boot.raw(), {.conventional = false, .reclaim_loader_data = true, .keep = keep});
    ASSERT_TRUE(now.has_value());
    ASSERT_TRUE(boot_services.has_value());
    EXPECT_FALSE(loader.has_value()) << "OVMF leaves no loader data rota does not keep";

    auto overlaps = [](uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end) {
        return a < b_end && b < a_end;
    };
    for (size_t i = 0; i < now->count; ++i) {
        const auto& free = now->ranges[i];
        for (size_t j = 0; j < boot_services->count; ++j) {
            const auto& later = boot_services->ranges[j];
            EXPECT_FALSE(overlaps(free.base.get(), free.base.get() + free.pages * 4 * KiB,
                later.base.get(), later.base.get() + later.pages * 4 * KiB))
                << std::hex << free.base.get() << " " << later.base.get();
        }
        for (const auto& kept : boot.kept)
            EXPECT_FALSE(overlaps(
                free.base.get(), free.base.get() + free.pages * 4 * KiB, kept.start(), kept.end()));
    }
    for (size_t j = 0; j < boot_services->count; ++j) {
        const auto& later = boot_services->ranges[j];
        for (const auto& kept : keep)
            EXPECT_FALSE(overlaps(later.base.get(), later.base.get() + later.pages * 4 * KiB,
                kept.start(), kept.end()));
    }
    uint64_t usable_mib = (now->total_pages + boot_services->total_pages) * 4 * KiB / MiB;
    uint64_t reclaimed_mib = boot_services->total_pages * 4 * KiB / MiB;
    EXPECT_GT(reclaimed_mib, 30u) << machine;
    if (machine.find("512m") != std::string::npos) {
        EXPECT_GE(usable_mib, 490u) << machine;
        EXPECT_LT(now->total_pages * 4 * KiB / MiB, 470u) << machine << ": before reclaiming";
    }
}

INSTANTIATE_TEST_SUITE_P(Ovmf, CapturedMachines,
    ::testing::Values("q35-512m", "q35-6g", "pc-512m", "pc-6g"), [](const auto& param) {
        std::string name = param.param;
        for (char& c : name)
            c = c == '-' ? '_' : c;
        return name;
    });

// A synthetic map with what OVMF never shows: memory far above 4 GiB, runtime
// code without an attributes table overlapping RAM, odd attributes, a device
// window over RAM, and a framebuffer inside RAM.
TEST(KernelAddressSpace, SyntheticMachineWithOddFirmware)
{
    MapBuilder map;
    map.add(EfiMemoryType::Conventional, 0x0, 0x9f) // page 0 included
        .add(EfiMemoryType::LoaderCode, 0x1000000, 64)
        .add(EfiMemoryType::Conventional, 0x1040000, 0xfc0)
        .add(EfiMemoryType::RuntimeServicesCode, 0x2000000, 16, runtime_bit | 0xf)
        .add(EfiMemoryType::Conventional, 0x1ff0000000, 0x100000) // 4 GiB at 128 GiB
        .add(EfiMemoryType::Conventional, 0x3000000, 16, 0x1) // UC-only RAM
        .add(EfiMemoryType::Reserved, 0x4000000, 16, 0xf);
    AddressSpaceInputs inputs;
    inputs.memory_map = map.raw();
    inputs.image
        = {0x1000000, 0x1040000, 0x1002000, 0x1020000, 0x1020000, 0x1030000, 0x1030000, 0x1038000};
    DeviceRange devices[] = {{PhysAddr(0x1ff0000000), 2 * MiB}, // claims RAM: RAM wins
        {PhysAddr(0x4000000), 64 * KiB}, // over reserved memory: mapped uncached
        {PhysAddr(0x5000000), 0}}; // empty: ignored
    inputs.devices = devices;
    inputs.framebuffer = DeviceRange {PhysAddr(0x1100000), 1 * MiB + 100};
    StackRegion stacks[] = {{0x1200000, 0x1210000}};
    inputs.stacks = stacks;
    BuiltTable built(inputs);

    EXPECT_EQ(built.at(0x0), std::nullopt);
    EXPECT_EQ(built.at(0x1000), rw_wb);
    EXPECT_EQ(built.at(0x1000000), (PageAttributes {Access::ReadOnly, MemoryType::WriteBack}));
    EXPECT_EQ(built.at(0x1002000), (PageAttributes {Access::ReadExecute, MemoryType::WriteBack}));
    EXPECT_EQ(built.at(0x1020000), (PageAttributes {Access::ReadOnly, MemoryType::WriteBack}));
    EXPECT_EQ(built.at(0x1030000), rw_wb);
    EXPECT_EQ(built.at(0x1038000), (PageAttributes {Access::ReadOnly, MemoryType::WriteBack}));
    EXPECT_EQ(
        built.at(0x1100000), (PageAttributes {Access::ReadWrite, MemoryType::WriteCombining}));
    EXPECT_EQ(
        built.at(0x1200000), (PageAttributes {Access::ReadWrite, MemoryType::WriteCombining}));
    EXPECT_EQ(built.at(0x1201000), rw_wb);
    EXPECT_EQ(built.at(0x11ff000), std::nullopt); // the guard
    EXPECT_EQ(
        built.at(0x2000000), (PageAttributes {Access::ReadWriteExecute, MemoryType::WriteBack}));
    EXPECT_EQ(built.at(0x3000000), rw_uc);
    EXPECT_EQ(built.at(0x4000000), rw_uc);
    EXPECT_EQ(built.at(0x4010000), std::nullopt); // reserved past the device: not mapped
    EXPECT_EQ(built.at(0x1ff0000000), rw_wb);
    EXPECT_EQ(built.at(0x1ff0000000 + 4 * GiB - 4 * KiB), rw_wb);
    EXPECT_EQ(built.summary.devices_ignored, 1u);
}

TEST(KernelAddressSpace, RefusesAnImageLayoutThatCannotBeRight)
{
    MapBuilder map;
    map.add(EfiMemoryType::Conventional, 0x100000, 16);
    auto plan = std::make_unique<AddressSpacePlan>();
    AddressSpaceInputs inputs;
    inputs.memory_map = map.raw();
    // Text and data sharing a page.
    inputs.image
        = {0x1000000, 0x1040000, 0x1002000, 0x1020800, 0x1020800, 0x1030000, 0x1030000, 0x1038000};
    EXPECT_EQ(rota::plan_address_space(inputs, *plan).error(), rota::Error::InvalidArgument);
    // Out of order.
    inputs.image
        = {0x1000000, 0x1040000, 0x1030000, 0x1038000, 0x1020000, 0x1030000, 0x1002000, 0x1020000};
    EXPECT_EQ(rota::plan_address_space(inputs, *plan).error(), rota::Error::InvalidArgument);
}

} // namespace
