// The MCFG (PCI Firmware Specification 3.2 section 4.1.2): ECAM regions, and
// what happens when the length does not match whole entries.

#include "acpi_fixture.h"
#include "core/acpi/acpi_tables.h"
#include "core/acpi/mcfg.h"

using namespace rota;
using acpi_test::Bytes;
using acpi_test::FixtureMemory;
using acpi_test::make_table;
using acpi_test::seal;

namespace {

void append_entry(Bytes& body, uint64_t base, uint16_t segment, uint8_t start, uint8_t end)
{
    McfgEntryWire entry {base, segment, start, end, 0};
    auto* bytes = reinterpret_cast<const uint8_t*>(&entry);
    body.insert(body.end(), bytes, bytes + sizeof entry);
}

Bytes mcfg_with(const Bytes& entries)
{
    Bytes body(8, 0); // reserved
    body.insert(body.end(), entries.begin(), entries.end());
    return make_table("MCFG", body);
}

} // namespace

TEST(AcpiMcfg, QemuQ35HasOneSegment)
{
    FixtureMemory memory("q35-smp1");
    auto mcfg = parse_mcfg(memory.bytes("MCFG.bin"));
    ASSERT_TRUE(mcfg.has_value());
    ASSERT_EQ(mcfg->regions.size(), 1u);
    EXPECT_EQ(mcfg->regions[0].base, 0xb0000000u);
    EXPECT_EQ(mcfg->regions[0].end_bus, 255);
}

TEST(AcpiMcfg, LengthNotMatchingWholeEntries)
{
    // QEMU's MCFG grown by 10 bytes (length 70 = 44 + 16 + 10), checksum fixed:
    // the whole entry is kept and the remainder reported.
    FixtureMemory memory("q35-smp4");
    Bytes& table = memory.bytes("MCFG.bin");
    table.resize(table.size() + 10, 0xee);
    seal(table);
    AcpiInfo info;
    parse_acpi(memory, memory.rsdp(), info);
    ASSERT_TRUE(info.mcfg.has_value());
    EXPECT_EQ(info.mcfg.value->trailing_bytes, 10u);
    ASSERT_EQ(info.mcfg.value->regions.size(), 1u);
    EXPECT_EQ(info.mcfg.value->regions[0].base, 0xb0000000u);

    // Shrunk to 50 bytes: not even one entry.
    table.resize(50);
    seal(table);
    parse_acpi(memory, memory.rsdp(), info);
    ASSERT_TRUE(info.mcfg.has_value());
    EXPECT_EQ(info.mcfg.value->trailing_bytes, 6u);
    EXPECT_TRUE(info.mcfg.value->regions.empty());
}

TEST(AcpiMcfg, NoEntriesAndTooShort)
{
    auto empty = parse_mcfg(mcfg_with({}));
    ASSERT_TRUE(empty.has_value());
    EXPECT_TRUE(empty->regions.empty());
    EXPECT_EQ(empty->trailing_bytes, 0u);

    auto short_table = parse_mcfg(make_table("MCFG", Bytes(4, 0)));
    ASSERT_TRUE(short_table.is_error());
    EXPECT_EQ(short_table.error(), Error::Corrupt);
}

TEST(AcpiMcfg, InvalidEntriesAreDropped)
{
    Bytes entries;
    append_entry(entries, 0, 0, 0, 255); // null base
    append_entry(entries, 0xe0000000, 1, 10, 5); // end below start
    append_entry(entries, 0xc0000000, 2, 0x80, 0xff); // bus range not starting at 0: fine
    auto mcfg = parse_mcfg(mcfg_with(entries));
    ASSERT_TRUE(mcfg.has_value());
    EXPECT_EQ(mcfg->invalid_entries, 2u);
    ASSERT_EQ(mcfg->regions.size(), 1u);
    EXPECT_EQ(mcfg->regions[0].segment, 2);
    EXPECT_EQ(mcfg->regions[0].start_bus, 0x80);
    EXPECT_EQ(mcfg->regions[0].base, 0xc0000000u);
}

TEST(AcpiMcfg, ManySegmentsAreCapped)
{
    Bytes entries;
    for (uint16_t segment = 0; segment < 40; ++segment)
        append_entry(entries, 0x1'0000'0000ull * (segment + 1), segment, 0, 255);
    auto mcfg = parse_mcfg(mcfg_with(entries));
    ASSERT_TRUE(mcfg.has_value());
    EXPECT_EQ(mcfg->regions.size(), max_pci_segments);
    EXPECT_EQ(mcfg->regions.dropped(), 40 - max_pci_segments);
    EXPECT_EQ(mcfg->regions[max_pci_segments - 1].segment, max_pci_segments - 1);
}
