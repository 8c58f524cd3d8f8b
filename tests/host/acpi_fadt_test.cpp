// The FADT (ACPI 6.5 section 5.2.9): which PM timer, the reset register, the
// DSDT pointer and the flags, across FADT revisions.

#include "acpi_fixture.h"
#include "core/acpi/fadt.h"

using namespace rota;
using acpi_test::Bytes;
using acpi_test::fix_table_checksum;
using acpi_test::FixtureMemory;
using acpi_test::make_table;
using acpi_test::store;

namespace {

// QEMU q35's revision-3 FADT (244 bytes), to modify.
Bytes q35_fadt()
{
    FixtureMemory memory("q35-smp1");
    return memory.bytes("FACP.bin");
}

Fadt parse(const Bytes& table)
{
    auto fadt = parse_fadt(table);
    EXPECT_TRUE(fadt.has_value());
    return fadt.has_value() ? fadt.release_value() : Fadt {};
}

void set_gas(Bytes& table, size_t offset, AddressSpace space, uint8_t bits, uint64_t address)
{
    GenericAddress gas {static_cast<uint8_t>(space), bits, 0, 3, address};
    store(table, offset, gas);
}

} // namespace

TEST(AcpiFadt, ExtendedPmTimerBlockTakesPrecedence)
{
    Bytes table = q35_fadt();
    store<uint32_t>(table, 76, 0x608);
    set_gas(table, 208, AddressSpace::SystemMemory, 32, 0xfed00f00);
    Fadt fadt = parse(table);
    ASSERT_TRUE(fadt.pm_timer.has_value());
    EXPECT_EQ(fadt.pm_timer->space, AddressSpace::SystemMemory);
    EXPECT_EQ(fadt.pm_timer->address, 0xfed00f00u);
}

TEST(AcpiFadt, UnusableExtendedBlockFallsBackToThePort)
{
    Bytes table = q35_fadt();
    set_gas(table, 208, AddressSpace::PciConfig, 32, 0x1234); // not I/O or memory
    EXPECT_EQ(parse(table).pm_timer->address, 0x608u);
    set_gas(table, 208, AddressSpace::SystemIo, 32, 0x12345); // no such port
    EXPECT_EQ(parse(table).pm_timer->address, 0x608u);
    set_gas(table, 208, AddressSpace::SystemIo, 32, 0); // absent
    EXPECT_EQ(parse(table).pm_timer->address, 0x608u);
}

TEST(AcpiFadt, NoPmTimer)
{
    Bytes table = q35_fadt();
    set_gas(table, 208, AddressSpace::SystemIo, 0, 0);
    store<uint32_t>(table, 76, 0);
    EXPECT_FALSE(parse(table).pm_timer.has_value());
    // PM_TMR_LEN must be 4 for PM_TMR_BLK to be a timer.
    store<uint32_t>(table, 76, 0x608);
    table[91] = 0;
    EXPECT_FALSE(parse(table).pm_timer.has_value());
}

TEST(AcpiFadt, TmrValExtMeans32Bits)
{
    Bytes table = q35_fadt();
    store<uint32_t>(table, 112, acpi_test::fetch<uint32_t>(table, 112) | fadt_tmr_val_ext);
    EXPECT_EQ(parse(table).pm_timer->bits, 32u);
}

TEST(AcpiFadt, HardwareReducedHasNoFixedHardware)
{
    Bytes table = q35_fadt();
    store<uint32_t>(table, 112, acpi_test::fetch<uint32_t>(table, 112) | fadt_hw_reduced_acpi);
    Fadt fadt = parse(table);
    EXPECT_TRUE(fadt.hardware_reduced);
    EXPECT_FALSE(fadt.pm_timer.has_value());
    EXPECT_EQ(fadt.pm1a_control, 0u);
    EXPECT_TRUE(fadt.reset.has_value()); // the reset register is not fixed hardware
    EXPECT_FALSE(fadt.dsdt.is_null());
}

TEST(AcpiFadt, ResetRegisterNeedsItsFlag)
{
    Bytes table = q35_fadt();
    store<uint32_t>(table, 112, acpi_test::fetch<uint32_t>(table, 112) & ~fadt_reset_reg_sup);
    EXPECT_FALSE(parse(table).reset.has_value());
}

TEST(AcpiFadt, XDsdtPreferredOverDsdt)
{
    Bytes table = q35_fadt();
    store<uint32_t>(table, 40, 0x1000);
    store<uint64_t>(table, 140, 0x2'0000'0000ull);
    EXPECT_EQ(parse(table).dsdt, PhysAddr(0x2'0000'0000ull));
    store<uint64_t>(table, 140, 0);
    EXPECT_EQ(parse(table).dsdt, PhysAddr(0x1000));
}

TEST(AcpiFadt, BootArchitectureFlags)
{
    Bytes table = q35_fadt();
    store<uint16_t>(
        table, 109, IapcLegacyDevices | Iapc8042 | IapcVgaNotPresent | IapcCmosRtcNotPresent);
    Fadt fadt = parse(table);
    EXPECT_EQ(
        fadt.boot_arch, IapcLegacyDevices | Iapc8042 | IapcVgaNotPresent | IapcCmosRtcNotPresent);
    // An ACPI 1.0 FADT's byte there was reserved: not believed.
    table[8] = 1;
    EXPECT_EQ(parse(table).boot_arch, 0);
}

TEST(AcpiFadt, RevisionOneFadtReadsNoExtendedFields)
{
    // The first 116 bytes only: the X_ fields and the reset register are absent
    // even though the flags claim RESET_REG_SUP.
    Bytes table = q35_fadt();
    table.resize(fadt_v1_length);
    table[8] = 1;
    store<uint32_t>(table, 4, static_cast<uint32_t>(table.size()));
    fix_table_checksum(table);
    Fadt fadt = parse(table);
    EXPECT_EQ(fadt.revision, 1);
    EXPECT_FALSE(fadt.reset.has_value());
    EXPECT_FALSE(fadt.x_pm1a_control.has_value());
    EXPECT_EQ(fadt.pm_timer->address, 0x608u);
    EXPECT_EQ(fadt.dsdt, PhysAddr(acpi_test::fetch<uint32_t>(table, 40)));
}

TEST(AcpiFadt, ShorterThanAcpi10IsCorrupt)
{
    auto fadt = parse_fadt(make_table("FACP", Bytes(60, 0)));
    ASSERT_TRUE(fadt.is_error());
    EXPECT_EQ(fadt.error(), Error::Corrupt);
}
