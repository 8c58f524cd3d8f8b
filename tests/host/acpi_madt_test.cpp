// The MADT walk (ACPI 6.5 section 5.2.12) on QEMU's table and on broken ones:
// a bad entry stops or skips with a recorded reason, too many CPUs are capped,
// and nothing overflows or loops.

#include "acpi_fixture.h"
#include "core/acpi/acpi_tables.h"
#include "core/acpi/madt.h"

using namespace rota;
using acpi_test::Bytes;
using acpi_test::FixtureMemory;
using acpi_test::make_table;
using acpi_test::seal;

namespace {

// MADT body: local APIC address 0xfee00000, PCAT_COMPAT, then `entries`.
Bytes madt_with(const Bytes& entries, uint32_t flags = 1)
{
    Bytes body {0x00, 0x00, 0xe0, 0xfe, static_cast<uint8_t>(flags), 0, 0, 0};
    body.insert(body.end(), entries.begin(), entries.end());
    return make_table("APIC", body);
}

void append(Bytes& out, std::initializer_list<uint8_t> bytes)
{
    out.insert(out.end(), bytes);
}

template<class T>
void append_le(Bytes& out, T value)
{
    for (size_t i = 0; i < sizeof(T); ++i)
        out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

void local_apic(Bytes& out, uint8_t uid, uint8_t apic_id, uint32_t flags)
{
    append(out, {0, 8, uid, apic_id});
    append_le(out, flags);
}

void local_x2apic(Bytes& out, uint32_t x2apic_id, uint32_t uid, uint32_t flags)
{
    append(out, {9, 16, 0, 0});
    append_le(out, x2apic_id);
    append_le(out, flags);
    append_le(out, uid);
}

Madt parse(const Bytes& table)
{
    auto madt = parse_madt(table);
    EXPECT_TRUE(madt.has_value());
    return madt.has_value() ? madt.release_value() : Madt {};
}

} // namespace

TEST(AcpiMadt, QemuEightCpus)
{
    FixtureMemory memory("q35-smp8");
    Madt madt = parse(memory.bytes("APIC.bin"));
    EXPECT_EQ(madt.processors.size(), 8u);
    EXPECT_EQ(madt.enabled_processors, 8u);
    EXPECT_EQ(madt.io_apics.size(), 1u);
    EXPECT_EQ(madt.overrides.size(), 5u);
    EXPECT_EQ(madt.processors[7].apic_id, 7u);
}

TEST(AcpiMadt, ZeroLengthEntryStopsTheWalk)
{
    // QEMU's -smp 4 MADT with the third processor entry's length set to 0: the
    // walk cannot know where the next entry is, so it stops there and says so.
    FixtureMemory memory("q35-smp4");
    Bytes table = memory.bytes("APIC.bin");
    size_t third = 44 + 2 * 8;
    table[third + 1] = 0;
    Madt madt = parse(table);
    EXPECT_TRUE(madt.walk_stopped);
    EXPECT_EQ(madt.entry_problem, AcpiProblem::ZeroLengthEntry);
    EXPECT_EQ(madt.entry_problem_offset, third);
    EXPECT_EQ(madt.processors.size(), 2u); // the two before it
    EXPECT_TRUE(madt.io_apics.empty());
    EXPECT_EQ(madt.local_apic_address, 0xfee00000u);

    table[third + 1] = 1; // length 1 cannot advance past its own header either
    EXPECT_EQ(parse(table).entry_problem, AcpiProblem::ZeroLengthEntry);
}

TEST(AcpiMadt, EntryRunningPastTheEndStopsTheWalk)
{
    // The last entry (the local APIC NMI, 6 bytes) claims 40.
    FixtureMemory memory("q35-smp4");
    Bytes table = memory.bytes("APIC.bin");
    size_t last = table.size() - 6;
    ASSERT_EQ(table[last], 4);
    table[last + 1] = 40;
    Madt madt = parse(table);
    EXPECT_TRUE(madt.walk_stopped);
    EXPECT_EQ(madt.entry_problem, AcpiProblem::EntryPastEnd);
    EXPECT_EQ(madt.entry_problem_offset, last);
    EXPECT_EQ(madt.processors.size(), 4u);
    EXPECT_EQ(madt.io_apics.size(), 1u);
    EXPECT_EQ(madt.overrides.size(), 5u);
    EXPECT_TRUE(madt.local_nmis.empty());
}

TEST(AcpiMadt, TableCutMidEntryThroughTheWholePipeline)
{
    // The header length cut in the middle of the I/O APIC entry, the checksum
    // made right: check_table accepts it, the walk stops at the cut.
    FixtureMemory memory("pc-smp4");
    Bytes& table = memory.bytes("APIC.bin");
    size_t io_apic = 44 + 4 * 8;
    ASSERT_EQ(table[io_apic], 1);
    table.resize(io_apic + 5);
    seal(table);
    AcpiInfo info;
    parse_acpi(memory, memory.rsdp(), info);
    ASSERT_TRUE(info.madt.has_value());
    const Madt& madt = *info.madt.value;
    EXPECT_EQ(madt.processors.size(), 4u);
    EXPECT_TRUE(madt.io_apics.empty());
    EXPECT_TRUE(madt.walk_stopped);
    EXPECT_EQ(madt.entry_problem, AcpiProblem::EntryPastEnd);
    EXPECT_EQ(madt.entry_problem_offset, io_apic);

    // One stray byte after the last whole entry: not even a type and a length.
    table.resize(io_apic + 1);
    seal(table);
    parse_acpi(memory, memory.rsdp(), info);
    EXPECT_EQ(info.madt.value->entry_problem, AcpiProblem::EntryPastEnd);
    EXPECT_EQ(info.madt.value->processors.size(), 4u);
}

TEST(AcpiMadt, ThousandsOfCpusAreCapped)
{
    // 5000 x2APIC processors (80 KB of entries): the first max_cpus are kept,
    // the rest counted.
    Bytes entries;
    for (uint32_t i = 0; i < 5000; ++i)
        local_x2apic(entries, 0x1000 + i, i, 1);
    Madt madt = parse(madt_with(entries));
    EXPECT_EQ(madt.processors.size(), max_cpus);
    EXPECT_TRUE(madt.processors.truncated());
    EXPECT_EQ(madt.processors.dropped(), 5000 - max_cpus);
    EXPECT_EQ(madt.enabled_processors, max_cpus);
    EXPECT_EQ(madt.processors[max_cpus - 1].apic_id, 0x1000 + max_cpus - 1);
    EXPECT_TRUE(madt.processors[0].x2apic);
    EXPECT_FALSE(madt.walk_stopped);
    EXPECT_EQ(madt.entry_problem, AcpiProblem::None);
}

TEST(AcpiMadt, ThousandsOfLocalApicEntriesRepeatIds)
{
    // 8-bit APIC ids: 5000 entries name at most 256 distinct processors.
    Bytes entries;
    for (uint32_t i = 0; i < 5000; ++i)
        local_apic(entries, static_cast<uint8_t>(i), static_cast<uint8_t>(i), 1);
    Madt madt = parse(madt_with(entries));
    EXPECT_EQ(madt.processors.size(), 256u);
    EXPECT_FALSE(madt.processors.truncated());
    EXPECT_EQ(madt.duplicate_processors, 5000u - 256u);
}

TEST(AcpiMadt, OneCpuDescribedTwiceIsOneCpu)
{
    // ACPI 6.5 5.2.12.12: a processor may have both a local APIC and an x2APIC entry.
    Bytes entries;
    local_apic(entries, 0, 0, 1);
    local_apic(entries, 1, 1, 1);
    local_x2apic(entries, 1, 1, 1);
    local_x2apic(entries, 300, 2, 1);
    Madt madt = parse(madt_with(entries));
    ASSERT_EQ(madt.processors.size(), 3u);
    EXPECT_EQ(madt.duplicate_processors, 1u);
    EXPECT_FALSE(madt.processors[1].x2apic);
    EXPECT_EQ(madt.processors[2].apic_id, 300u);
    EXPECT_EQ(madt.processors[2].uid, 2u);
    EXPECT_TRUE(madt.processors[2].x2apic);
}

TEST(AcpiMadt, EnabledAndOnlineCapableFlags)
{
    Bytes entries;
    local_apic(entries, 0, 0, 1); // enabled
    local_apic(entries, 1, 1, 0); // unusable
    local_apic(entries, 2, 2, 2); // online capable: can be enabled later
    local_x2apic(entries, 3, 3, 3); // enabled (online capable is then meaningless)
    Madt madt = parse(madt_with(entries, 0));
    ASSERT_EQ(madt.processors.size(), 4u);
    EXPECT_EQ(madt.enabled_processors, 2u);
    EXPECT_FALSE(madt.pcat_compat);
    EXPECT_TRUE(madt.processors[0].enabled);
    EXPECT_FALSE(madt.processors[1].enabled);
    EXPECT_FALSE(madt.processors[1].online_capable);
    EXPECT_FALSE(madt.processors[2].enabled);
    EXPECT_TRUE(madt.processors[2].online_capable);
    EXPECT_TRUE(madt.processors[3].enabled);
    EXPECT_FALSE(madt.processors[3].online_capable);
}

TEST(AcpiMadt, ShortEntryIsSkippedAndTheWalkGoesOn)
{
    Bytes entries;
    local_apic(entries, 0, 0, 1);
    append(entries, {1, 6, 0, 0, 0, 0}); // an I/O APIC entry needs 12 bytes
    local_apic(entries, 1, 1, 1);
    Madt madt = parse(madt_with(entries));
    EXPECT_EQ(madt.processors.size(), 2u);
    EXPECT_TRUE(madt.io_apics.empty());
    EXPECT_EQ(madt.short_entries, 1u);
    EXPECT_EQ(madt.entry_problem, AcpiProblem::EntryTooShort);
    EXPECT_EQ(madt.entry_problem_offset, 44u + 8u);
    EXPECT_FALSE(madt.walk_stopped);
}

TEST(AcpiMadt, OtherEntryKindsAndLongerEntries)
{
    // Unknown types are stepped over; a longer-than-needed entry (a later
    // revision's structure) is read for the fields rota knows.
    Bytes entries;
    append(entries, {0x0b, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}); // GICC, not on x86
    append(entries, {0x7f, 3, 0}); // reserved type
    append(entries, {0, 10, 5, 6, 1, 0, 0, 0, 0xaa, 0xbb}); // local APIC, 2 extra bytes
    Madt madt = parse(madt_with(entries));
    EXPECT_EQ(madt.other_entries, 2u);
    ASSERT_EQ(madt.processors.size(), 1u);
    EXPECT_EQ(madt.processors[0].apic_id, 6u);
    EXPECT_EQ(madt.processors[0].uid, 5u);
    EXPECT_EQ(madt.entry_problem, AcpiProblem::None);
}

TEST(AcpiMadt, AddressOverrideAndNmiEntries)
{
    Bytes entries;
    append(entries, {5, 12, 0, 0});
    append_le<uint64_t>(entries, 0x1'fee0'0000ull);
    append(entries, {3, 8, 0x05, 0x00}); // NMI source: flags 5, GSI 16
    append_le<uint32_t>(entries, 16);
    append(entries, {4, 6, 2, 0x0d, 0x00, 0}); // local APIC NMI: uid 2, LINT0
    append(entries, {0x0a, 12, 0x05, 0x00}); // local x2APIC NMI: all processors, LINT1
    append_le<uint32_t>(entries, 0xffffffff);
    append(entries, {1, 0, 0, 0});
    Madt madt = parse(madt_with(entries));
    EXPECT_TRUE(madt.local_apic_overridden);
    EXPECT_EQ(madt.local_apic_address, 0x1'fee0'0000ull);
    ASSERT_EQ(madt.nmi_sources.size(), 1u);
    EXPECT_EQ(madt.nmi_sources[0].flags, 5);
    EXPECT_EQ(madt.nmi_sources[0].gsi, 16u);
    ASSERT_EQ(madt.local_nmis.size(), 2u);
    EXPECT_EQ(madt.local_nmis[0].uid, 2u);
    EXPECT_FALSE(madt.local_nmis[0].all_processors);
    EXPECT_EQ(madt.local_nmis[0].flags, 0x0d);
    EXPECT_EQ(madt.local_nmis[0].lint, 0);
    EXPECT_TRUE(madt.local_nmis[1].all_processors);
    EXPECT_EQ(madt.local_nmis[1].flags, 5);
    EXPECT_EQ(madt.local_nmis[1].lint, 1);
}

TEST(AcpiMadt, ManyIoApicsAndOverridesAreCapped)
{
    Bytes entries;
    for (uint8_t i = 0; i < 40; ++i) {
        append(entries, {1, 12, i, 0});
        append_le<uint32_t>(entries, 0xfec00000u + i * 0x1000u);
        append_le<uint32_t>(entries, i * 24u);
        append(entries, {2, 10, 0, i});
        append_le<uint32_t>(entries, i);
        append_le<uint16_t>(entries, 0);
    }
    Madt madt = parse(madt_with(entries));
    EXPECT_EQ(madt.io_apics.size(), max_io_apics);
    EXPECT_EQ(madt.io_apics.dropped(), 40 - max_io_apics);
    EXPECT_EQ(madt.io_apics[15].gsi_base, 15u * 24u);
    EXPECT_EQ(madt.overrides.size(), max_interrupt_overrides);
    EXPECT_EQ(madt.overrides.dropped(), 40 - max_interrupt_overrides);
}

TEST(AcpiMadt, TooShortForItsFixedFields)
{
    Bytes table = make_table("APIC", Bytes(4, 0));
    auto madt = parse_madt(table);
    ASSERT_TRUE(madt.is_error());
    EXPECT_EQ(madt.error(), Error::Corrupt);
    // Exactly the fixed fields, no entries: an empty but valid MADT.
    EXPECT_TRUE(parse_madt(madt_with({})).has_value());
    EXPECT_EQ(parse(madt_with({})).processors.size(), 0u);
}

TEST(AcpiMadt, StopAfterAShortEntryReportsTheStop)
{
    Bytes entries;
    local_apic(entries, 0, 0, 1);
    append(entries, {1, 6, 0, 0, 0, 0}); // too short: skipped
    local_apic(entries, 1, 1, 1);
    append(entries, {0, 0}); // zero length: the walk ends
    local_apic(entries, 2, 2, 1);
    Madt madt = parse(madt_with(entries));
    EXPECT_EQ(madt.processors.size(), 2u);
    EXPECT_EQ(madt.short_entries, 1u);
    EXPECT_TRUE(madt.walk_stopped);
    EXPECT_EQ(madt.entry_problem, AcpiProblem::ZeroLengthEntry);
    EXPECT_EQ(madt.entry_problem_offset, 44u + 8u + 6u + 8u);
}
