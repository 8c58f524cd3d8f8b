// The XSDT/RSDT walk (ACPI 6.5 sections 5.2.6-5.2.8): every table is checked,
// a bad one is skipped with its reason, and the others are still found.

#include "acpi_fixture.h"
#include "core/acpi/acpi_tables.h"

using namespace rota;
using acpi_test::Bytes;
using acpi_test::fix_table_checksum;
using acpi_test::FixtureMemory;
using acpi_test::make_table;
using acpi_test::seal;
using acpi_test::store;

namespace {

AcpiInfo parse(FixtureMemory& memory)
{
    AcpiInfo info;
    parse_acpi(memory, memory.rsdp(), info);
    return info;
}

std::string listed(const TableDirectory& directory)
{
    std::string names;
    for (const TableRef& table : directory.tables)
        names += std::string(names.empty() ? "" : ",") + table.signature.c_str();
    return names;
}

} // namespace

TEST(AcpiDirectory, BadTableChecksumIsSkippedOthersFound)
{
    FixtureMemory memory("q35-smp4");
    memory.bytes("APIC.bin")[40] ^= 0x80;
    AcpiInfo info = parse(memory);
    ASSERT_TRUE(info.present);
    EXPECT_EQ(listed(info.directory), "FACP,HPET,MCFG,WAET,BGRT");
    ASSERT_EQ(info.directory.faults.size(), 1u);
    const TableFault& fault = info.directory.faults[0];
    EXPECT_EQ(fault.signature, signatures::madt);
    EXPECT_EQ(fault.address, memory.address("APIC.bin"));
    EXPECT_EQ(fault.length, 144u);
    EXPECT_EQ(fault.problem, AcpiProblem::BadChecksum);
    // The MADT is then simply absent; MCFG and FADT are unaffected.
    EXPECT_FALSE(info.madt.has_value());
    EXPECT_EQ(info.madt.error, Error::NotFound);
    EXPECT_TRUE(info.mcfg.has_value());
    EXPECT_TRUE(info.fadt.has_value());
}

TEST(AcpiDirectory, TruncatedTableIsUnmappable)
{
    // The memory ends before the length the header claims.
    FixtureMemory memory("q35-smp4");
    memory.bytes("MCFG.bin").resize(50);
    AcpiInfo info = parse(memory);
    EXPECT_EQ(listed(info.directory), "FACP,APIC,HPET,WAET,BGRT");
    ASSERT_EQ(info.directory.faults.size(), 1u);
    EXPECT_EQ(info.directory.faults[0].signature, signatures::mcfg);
    EXPECT_EQ(info.directory.faults[0].length, 60u);
    EXPECT_EQ(info.directory.faults[0].problem, AcpiProblem::Unmappable);
    EXPECT_FALSE(info.mcfg.has_value());
}

TEST(AcpiDirectory, AbsurdLengthsAreRefusedWithoutReading)
{
    FixtureMemory memory("q35-smp4");
    store<uint32_t>(memory.bytes("HPET.bin"), 4, 0xffffffff);
    store<uint32_t>(memory.bytes("WAET.bin"), 4, 12);
    AcpiInfo info = parse(memory);
    EXPECT_EQ(listed(info.directory), "FACP,APIC,MCFG,BGRT");
    ASSERT_EQ(info.directory.faults.size(), 2u);
    EXPECT_EQ(info.directory.faults[0].signature, TableSignature("HPET"));
    EXPECT_EQ(info.directory.faults[0].length, 0xffffffffu);
    EXPECT_EQ(info.directory.faults[0].problem, AcpiProblem::TooLong);
    EXPECT_EQ(info.directory.faults[1].signature, TableSignature("WAET"));
    EXPECT_EQ(info.directory.faults[1].length, 12u);
    EXPECT_EQ(info.directory.faults[1].problem, AcpiProblem::TooShort);
}

TEST(AcpiDirectory, NullAndDanglingEntriesAreSkipped)
{
    FixtureMemory memory("pc-smp4");
    Bytes& xsdt = memory.bytes("XSDT.bin");
    store<uint64_t>(xsdt, 36 + 8 * 2, 0); // HPET
    store<uint64_t>(xsdt, 36 + 8 * 3, 0x12345000); // WAET: nothing there
    fix_table_checksum(xsdt);
    AcpiInfo info = parse(memory);
    EXPECT_EQ(listed(info.directory), "FACP,APIC,BGRT");
    ASSERT_EQ(info.directory.faults.size(), 2u);
    EXPECT_EQ(info.directory.faults[0].problem, AcpiProblem::NullAddress);
    EXPECT_EQ(info.directory.faults[1].problem, AcpiProblem::Unmappable);
    EXPECT_EQ(info.directory.faults[1].address, PhysAddr(0x12345000));
    EXPECT_EQ(info.directory.faults[1].signature, TableSignature()); // never read: "????"
    EXPECT_STREQ(info.directory.faults[1].signature.c_str(), "????");
}

TEST(AcpiDirectory, BrokenXsdtFallsBackToTheRsdt)
{
    FixtureMemory memory("q35-smp8");
    memory.bytes("XSDT.bin")[50] ^= 1;
    AcpiInfo info = parse(memory);
    ASSERT_TRUE(info.present);
    EXPECT_EQ(info.directory.root.signature, signatures::rsdt);
    ASSERT_TRUE(info.directory.root_fallback.has_value());
    EXPECT_EQ(info.directory.root_fallback->signature, signatures::xsdt);
    EXPECT_EQ(info.directory.root_fallback->problem, AcpiProblem::BadChecksum);
    EXPECT_EQ(listed(info.directory), "FACP,APIC,HPET,MCFG,WAET,BGRT");
    EXPECT_EQ(info.madt.value->processors.size(), 8u);
}

TEST(AcpiDirectory, XsdtWithTheWrongSignatureFallsBack)
{
    FixtureMemory memory("q35-smp1");
    Bytes& xsdt = memory.bytes("XSDT.bin");
    xsdt[0] = 'Z';
    fix_table_checksum(xsdt);
    AcpiInfo info = parse(memory);
    ASSERT_TRUE(info.directory.root_fallback.has_value());
    EXPECT_EQ(info.directory.root_fallback->signature, TableSignature("ZSDT"));
    EXPECT_EQ(info.directory.root_fallback->problem, AcpiProblem::BadSignature);
    EXPECT_EQ(info.directory.root.signature, signatures::rsdt);
}

TEST(AcpiDirectory, NoUsableRootIsAFailure)
{
    FixtureMemory memory("q35-smp1");
    memory.bytes("XSDT.bin")[50] ^= 1;
    memory.bytes("RSDT.bin")[40] ^= 1;
    AcpiInfo info = parse(memory);
    EXPECT_FALSE(info.present);
    EXPECT_EQ(info.failure.signature, signatures::rsdt);
    EXPECT_EQ(info.failure.address, memory.address("RSDT.bin"));
    EXPECT_EQ(info.failure.problem, AcpiProblem::BadChecksum);

    // Without an RSDT to fall back on, the XSDT's problem is the failure.
    memory.remove("RSDT.bin");
    Bytes& rsdp = memory.bytes("rsdp.bin");
    acpi_test::store<uint32_t>(rsdp, 16, 0);
    acpi_test::fix_rsdp(rsdp);
    info = parse(memory);
    EXPECT_FALSE(info.present);
    EXPECT_EQ(info.failure.signature, signatures::xsdt);
    EXPECT_EQ(info.failure.problem, AcpiProblem::BadChecksum);
}

TEST(AcpiDirectory, RaggedRootKeepsTheWholeEntries)
{
    // An XSDT four bytes longer than its entries: they are used, the rest reported.
    FixtureMemory memory("pc-smp1");
    Bytes& xsdt = memory.bytes("XSDT.bin");
    xsdt.insert(xsdt.end(), {0, 0, 0, 0});
    seal(xsdt);
    AcpiInfo info = parse(memory);
    EXPECT_EQ(info.directory.root_trailing_bytes, 4u);
    EXPECT_EQ(listed(info.directory), "FACP,APIC,HPET,WAET,BGRT");
}

TEST(AcpiDirectory, MoreTablesThanCapacityAreCountedNotWritten)
{
    // An XSDT with 100 entries, all pointing at the WAET.
    FixtureMemory memory("q35-smp4");
    Bytes body;
    for (int i = 0; i < 100; ++i) {
        uint64_t address = memory.address("WAET.bin").get();
        body.insert(body.end(), reinterpret_cast<uint8_t*>(&address),
            reinterpret_cast<uint8_t*>(&address) + 8);
    }
    memory.bytes("XSDT.bin") = make_table("XSDT", body);
    AcpiInfo info = parse(memory);
    EXPECT_EQ(info.directory.tables.size(), max_tables);
    EXPECT_EQ(info.directory.tables.dropped(), 100 - max_tables);
    EXPECT_TRUE(info.directory.tables.truncated());
    EXPECT_FALSE(info.madt.has_value());
}

TEST(AcpiDirectory, FindTableByIndex)
{
    FixtureMemory memory("q35-smp4");
    // A second MADT-signed table (an SSDT-like duplicate) appended to the XSDT.
    Bytes second = make_table("APIC", Bytes(8, 0));
    memory.add("APIC2.bin", PhysAddr(0x100000), second);
    Bytes& xsdt = memory.bytes("XSDT.bin");
    uint64_t address = 0x100000;
    xsdt.insert(
        xsdt.end(), reinterpret_cast<uint8_t*>(&address), reinterpret_cast<uint8_t*>(&address) + 8);
    seal(xsdt);
    auto info = parse(memory);
    auto first = find_table(info.directory, signatures::madt);
    auto again = find_table(info.directory, signatures::madt, 1);
    ASSERT_TRUE(first && again);
    EXPECT_EQ(first->address, memory.address("APIC.bin"));
    EXPECT_EQ(again->address, PhysAddr(0x100000));
    EXPECT_EQ(again->length, 44u);
    EXPECT_FALSE(find_table(info.directory, signatures::madt, 2).has_value());
    EXPECT_FALSE(find_table(info.directory, TableSignature("SRAT")).has_value());
    // The first one is the one parsed.
    EXPECT_EQ(info.madt.value->processors.size(), 4u);
}

TEST(AcpiDirectory, BadDsdtIsReported)
{
    FixtureMemory memory("q35-smp4");
    memory.bytes("DSDT.bin")[1000] ^= 0xff;
    AcpiInfo info = parse(memory);
    EXPECT_TRUE(info.fadt.has_value());
    EXPECT_FALSE(info.dsdt.has_value());
    ASSERT_TRUE(info.dsdt_fault.has_value());
    EXPECT_EQ(info.dsdt_fault->signature, signatures::dsdt);
    EXPECT_EQ(info.dsdt_fault->problem, AcpiProblem::BadChecksum);
}

TEST(AcpiDirectory, MalformedMadtIsUnusableNotFatal)
{
    // A MADT that checks (header, checksum) but has no room for its fixed fields.
    FixtureMemory memory("q35-smp4");
    Bytes& madt = memory.bytes("APIC.bin");
    madt.resize(40);
    seal(madt);
    AcpiInfo info = parse(memory);
    ASSERT_TRUE(info.madt.table.has_value());
    EXPECT_FALSE(info.madt.has_value());
    EXPECT_EQ(info.madt.error, Error::Corrupt);
    EXPECT_TRUE(info.fadt.has_value());
}
