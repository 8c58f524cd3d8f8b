// The RSDP (ACPI 6.5 section 5.2.5.3) and the choice of root table: QEMU's
// RSDP, then broken copies of it.

#include "acpi_fixture.h"
#include "core/acpi/acpi_tables.h"

using namespace rota;
using acpi_test::Bytes;
using acpi_test::fix_rsdp;
using acpi_test::FixtureMemory;
using acpi_test::store;

namespace {

TableFault directory_failure(FixtureMemory& memory, PhysAddr rsdp, Error expected)
{
    TableFault failure {};
    auto directory = read_table_directory(memory, rsdp, &failure);
    EXPECT_TRUE(directory.is_error());
    if (directory.is_error()) {
        EXPECT_EQ(directory.error(), expected);
    }
    return failure;
}

} // namespace

TEST(AcpiRsdp, QemuRsdpIsRevision2WithBothRoots)
{
    FixtureMemory memory("q35-smp4");
    AcpiProblem problem = AcpiProblem::None;
    auto rsdp = read_rsdp(memory, memory.rsdp(), &problem);
    ASSERT_TRUE(rsdp.has_value());
    EXPECT_EQ(problem, AcpiProblem::None);
    EXPECT_EQ(rsdp->revision, 2);
    EXPECT_EQ(rsdp->length, 36u);
    EXPECT_STREQ(rsdp->oem_id, "BOCHS");
    EXPECT_EQ(rsdp->xsdt, memory.address("XSDT.bin"));
    EXPECT_EQ(rsdp->rsdt, memory.address("RSDT.bin"));
}

TEST(AcpiRsdp, BadChecksumIsRefused)
{
    FixtureMemory memory("q35-smp4");
    memory.bytes("rsdp.bin")[8] ^= 0x01;
    TableFault failure = directory_failure(memory, memory.rsdp(), Error::Corrupt);
    EXPECT_EQ(failure.signature, signatures::rsdp);
    EXPECT_EQ(failure.address, memory.rsdp());
    EXPECT_EQ(failure.problem, AcpiProblem::BadChecksum);

    AcpiInfo info;
    parse_acpi(memory, memory.rsdp(), info);
    EXPECT_FALSE(info.present);
    EXPECT_EQ(info.failure.problem, AcpiProblem::BadChecksum);
    EXPECT_FALSE(info.madt.has_value());
    EXPECT_FALSE(info.fadt.has_value());
    EXPECT_TRUE(info.directory.tables.empty());
}

TEST(AcpiRsdp, BadExtendedChecksumIsRefused)
{
    // The first 20 bytes still sum to zero: only the 2.0 checksum is wrong.
    FixtureMemory memory("q35-smp4");
    memory.bytes("rsdp.bin")[33] = 0x5a;
    EXPECT_EQ(directory_failure(memory, memory.rsdp(), Error::Corrupt).problem,
        AcpiProblem::BadExtendedChecksum);
}

TEST(AcpiRsdp, BadSignatureIsNotAnRsdp)
{
    FixtureMemory memory("q35-smp4");
    Bytes& rsdp = memory.bytes("rsdp.bin");
    rsdp[0] = 'X';
    fix_rsdp(rsdp);
    EXPECT_EQ(directory_failure(memory, memory.rsdp(), Error::NotFound).problem,
        AcpiProblem::BadSignature);
}

TEST(AcpiRsdp, NullAndUnmappableAddresses)
{
    FixtureMemory memory("q35-smp4");
    TableFault failure = directory_failure(memory, PhysAddr(), Error::NotFound);
    EXPECT_EQ(failure.problem, AcpiProblem::NullAddress);
    failure = directory_failure(memory, PhysAddr(0xdead0000), Error::InvalidArgument);
    EXPECT_EQ(failure.problem, AcpiProblem::Unmappable);
    EXPECT_EQ(failure.address, PhysAddr(0xdead0000));
}

TEST(AcpiRsdp, AbsurdLengthIsRefusedBeforeItIsRead)
{
    FixtureMemory memory("q35-smp4");
    Bytes& rsdp = memory.bytes("rsdp.bin");
    store<uint32_t>(rsdp, 20, 0x7fffffff);
    fix_rsdp(rsdp); // the extended checksum cannot be right over bytes that are not there
    size_t calls_before = memory.map_calls();
    EXPECT_EQ(
        directory_failure(memory, memory.rsdp(), Error::Corrupt).problem, AcpiProblem::TooLong);
    EXPECT_EQ(memory.map_calls() - calls_before, 2u); // the 20 bytes and the 36, never 2 GiB

    store<uint32_t>(rsdp, 20, 20);
    fix_rsdp(rsdp);
    EXPECT_EQ(
        directory_failure(memory, memory.rsdp(), Error::Corrupt).problem, AcpiProblem::TooShort);
}

TEST(AcpiRsdp, TruncatedRevision2RsdpIsUnmappable)
{
    // A revision-2 RSDP whose memory ends after the 1.0 part.
    FixtureMemory memory("q35-smp4");
    memory.bytes("rsdp.bin").resize(20);
    EXPECT_EQ(directory_failure(memory, memory.rsdp(), Error::InvalidArgument).problem,
        AcpiProblem::Unmappable);
}

TEST(AcpiRsdp, Revision0UsesTheRsdt)
{
    // An ACPI 1.0 RSDP: 20 bytes, no XSDT. The same tables are found through
    // the RSDT's 32-bit pointers.
    for (const char* fixture : {"q35-smp4", "pc-smp8"}) {
        FixtureMemory memory(fixture);
        Bytes& rsdp = memory.bytes("rsdp.bin");
        rsdp[15] = 0;
        rsdp.resize(20);
        fix_rsdp(rsdp);
        AcpiInfo info;
        parse_acpi(memory, memory.rsdp(), info);
        ASSERT_TRUE(info.present) << fixture;
        EXPECT_EQ(info.directory.rsdp.revision, 0);
        EXPECT_EQ(info.directory.rsdp.length, 20u);
        EXPECT_TRUE(info.directory.rsdp.xsdt.is_null());
        EXPECT_EQ(info.directory.root.signature, signatures::rsdt);
        EXPECT_EQ(info.directory.root.address, memory.address("RSDT.bin"));
        EXPECT_TRUE(info.directory.faults.empty());
        ASSERT_TRUE(info.madt.has_value());
        EXPECT_EQ(info.madt.value->processors.size(), std::string(fixture) == "q35-smp4" ? 4u : 8u);
        ASSERT_TRUE(info.fadt.has_value());
        EXPECT_TRUE(info.fadt.value->pm_timer.has_value());
        EXPECT_EQ(info.mcfg.has_value(), std::string(fixture) == "q35-smp4");
    }
}

TEST(AcpiRsdp, Revision2WithoutAnXsdtUsesTheRsdt)
{
    FixtureMemory memory("q35-smp1");
    Bytes& rsdp = memory.bytes("rsdp.bin");
    store<uint64_t>(rsdp, 24, 0);
    fix_rsdp(rsdp);
    TableFault failure {};
    auto directory = read_table_directory(memory, memory.rsdp(), &failure);
    ASSERT_TRUE(directory.has_value());
    EXPECT_EQ(directory->root.signature, signatures::rsdt);
    EXPECT_FALSE(directory->root_fallback.has_value()); // nothing was refused
    EXPECT_EQ(directory->tables.size(), 6u);
}
