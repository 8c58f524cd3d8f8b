// The ACPI parsers on the tables QEMU 7.2 + OVMF really publish (captured by
// tests/fixtures/capture_acpi.py): q35 and pc (i440fx), with 1, 4 and 8 CPUs.

#include "acpi_fixture.h"
#include "core/acpi/acpi_tables.h"

#include <string>
#include <vector>

using namespace rota;
using acpi_test::FixtureMemory;

namespace {

struct QemuMachine {
    const char* fixture;
    bool q35;
    uint32_t cpus;
};

class AcpiQemu : public testing::TestWithParam<QemuMachine> {
protected:
    void SetUp() override { parse_acpi(m_memory, m_memory.rsdp(), m_info); }

    FixtureMemory m_memory {GetParam().fixture};
    AcpiInfo m_info;
};

std::vector<std::string> signatures_of(const TableDirectory& directory)
{
    std::vector<std::string> names;
    for (const TableRef& table : directory.tables)
        names.emplace_back(table.signature.c_str());
    return names;
}

} // namespace

TEST_P(AcpiQemu, DirectoryListsEveryTableFromTheXsdt)
{
    ASSERT_TRUE(m_info.present);
    const TableDirectory& directory = m_info.directory;
    EXPECT_EQ(directory.rsdp.revision, 2);
    EXPECT_STREQ(directory.rsdp.oem_id, "BOCHS");
    EXPECT_EQ(directory.rsdp.length, 36u);
    EXPECT_EQ(directory.root.signature, signatures::xsdt);
    EXPECT_EQ(directory.root.address, m_memory.address("XSDT.bin"));
    EXPECT_EQ(directory.rsdp.rsdt, m_memory.address("RSDT.bin"));
    EXPECT_FALSE(directory.root_fallback.has_value());
    EXPECT_EQ(directory.root_trailing_bytes, 0u);
    EXPECT_TRUE(directory.faults.empty());
    std::vector<std::string> expected {"FACP", "APIC", "HPET", "WAET", "BGRT"};
    if (GetParam().q35)
        expected.insert(expected.begin() + 3, "MCFG");
    EXPECT_EQ(signatures_of(directory), expected);
    for (const TableRef& table : directory.tables)
        EXPECT_EQ(
            table.length, m_memory.bytes(std::string(table.signature.c_str()) + ".bin").size());
}

TEST_P(AcpiQemu, MadtHasEveryCpuAndTheIoApic)
{
    ASSERT_TRUE(m_info.madt.has_value());
    const Madt& madt = *m_info.madt.value;
    EXPECT_EQ(madt.local_apic_address, 0xfee00000u);
    EXPECT_FALSE(madt.local_apic_overridden);
    EXPECT_TRUE(madt.pcat_compat);
    ASSERT_EQ(madt.processors.size(), GetParam().cpus);
    EXPECT_EQ(madt.enabled_processors, GetParam().cpus);
    EXPECT_FALSE(madt.processors.truncated());
    for (uint32_t i = 0; i < GetParam().cpus; ++i) {
        EXPECT_EQ(madt.processors[i].apic_id, i);
        EXPECT_EQ(madt.processors[i].uid, i);
        EXPECT_TRUE(madt.processors[i].enabled);
        EXPECT_FALSE(madt.processors[i].online_capable);
        EXPECT_FALSE(madt.processors[i].x2apic);
    }
    ASSERT_EQ(madt.io_apics.size(), 1u);
    EXPECT_EQ(madt.io_apics[0].id, 0);
    EXPECT_EQ(madt.io_apics[0].address, 0xfec00000u);
    EXPECT_EQ(madt.io_apics[0].gsi_base, 0u);

    // The PIT's IRQ 0 on GSI 2, and the PCI interrupt lines level-triggered,
    // active high (MPS INTI flags 0xd).
    ASSERT_EQ(madt.overrides.size(), 5u);
    EXPECT_EQ(madt.overrides[0].source, 0);
    EXPECT_EQ(madt.overrides[0].gsi, 2u);
    EXPECT_EQ(madt.overrides[0].flags, 0);
    const uint8_t level_irqs[] = {5, 9, 10, 11};
    for (size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(madt.overrides[i + 1].bus, 0);
        EXPECT_EQ(madt.overrides[i + 1].source, level_irqs[i]);
        EXPECT_EQ(madt.overrides[i + 1].gsi, level_irqs[i]);
        EXPECT_EQ(madt.overrides[i + 1].flags, 0xd);
    }
    EXPECT_TRUE(madt.nmi_sources.empty());
    ASSERT_EQ(madt.local_nmis.size(), 1u);
    EXPECT_TRUE(madt.local_nmis[0].all_processors);
    EXPECT_EQ(madt.local_nmis[0].lint, 1);

    EXPECT_EQ(madt.entry_problem, AcpiProblem::None);
    EXPECT_FALSE(madt.walk_stopped);
    EXPECT_EQ(madt.duplicate_processors, 0u);
    EXPECT_EQ(madt.other_entries, 0u);
}

TEST_P(AcpiQemu, McfgOnlyOnQ35)
{
    if (!GetParam().q35) {
        EXPECT_FALSE(m_info.mcfg.has_value());
        EXPECT_FALSE(m_info.mcfg.table.has_value());
        EXPECT_EQ(m_info.mcfg.error, Error::NotFound);
        return;
    }
    ASSERT_TRUE(m_info.mcfg.has_value());
    const Mcfg& mcfg = *m_info.mcfg.value;
    ASSERT_EQ(mcfg.regions.size(), 1u);
    EXPECT_EQ(mcfg.regions[0].base, 0xb0000000u);
    EXPECT_EQ(mcfg.regions[0].segment, 0);
    EXPECT_EQ(mcfg.regions[0].start_bus, 0);
    EXPECT_EQ(mcfg.regions[0].end_bus, 255);
    EXPECT_EQ(mcfg.trailing_bytes, 0u);
    EXPECT_EQ(mcfg.invalid_entries, 0u);
}

TEST_P(AcpiQemu, FadtHasThePmTimerAndTheDsdt)
{
    ASSERT_TRUE(m_info.fadt.has_value());
    const Fadt& fadt = *m_info.fadt.value;
    ASSERT_TRUE(fadt.pm_timer.has_value());
    EXPECT_EQ(fadt.pm_timer->space, AddressSpace::SystemIo);
    EXPECT_EQ(fadt.pm_timer->bits, 24u); // QEMU leaves TMR_VAL_EXT clear
    EXPECT_FALSE(fadt.hardware_reduced);
    EXPECT_EQ(fadt.sci_interrupt, 9);
    EXPECT_EQ(fadt.dsdt, m_memory.address("DSDT.bin"));
    if (GetParam().q35) {
        // ICH9: PMBASE 0x600; an ACPI 2.0+ FADT with the reset register.
        EXPECT_EQ(fadt.revision, 3);
        EXPECT_EQ(fadt.pm_timer->address, 0x608u);
        EXPECT_EQ(fadt.pm1a_control, 0x604u);
        ASSERT_TRUE(fadt.x_pm1a_control.has_value());
        EXPECT_EQ(fadt.x_pm1a_control->address, 0x604u);
        ASSERT_TRUE(fadt.reset.has_value());
        EXPECT_EQ(fadt.reset->address.space_id, static_cast<uint8_t>(AddressSpace::SystemIo));
        EXPECT_EQ(fadt.reset->address.address, 0xcf9u);
        EXPECT_EQ(fadt.reset->value, 0xf);
        EXPECT_EQ(fadt.boot_arch, Iapc8042);
    } else {
        // PIIX4: PM base 0xb000; QEMU's pc machine publishes an ACPI 1.0 FADT
        // (116 bytes): no reset register, no boot architecture flags.
        EXPECT_EQ(fadt.revision, 1);
        EXPECT_EQ(fadt.pm_timer->address, 0xb008u);
        EXPECT_EQ(fadt.pm1a_control, 0xb004u);
        EXPECT_FALSE(fadt.x_pm1a_control.has_value());
        EXPECT_FALSE(fadt.reset.has_value());
        EXPECT_EQ(fadt.boot_arch, 0);
    }
    ASSERT_TRUE(m_info.dsdt.has_value());
    EXPECT_EQ(m_info.dsdt->signature, signatures::dsdt);
    EXPECT_EQ(m_info.dsdt->length, m_memory.bytes("DSDT.bin").size());
    EXPECT_FALSE(m_info.dsdt_fault.has_value());
}

INSTANTIATE_TEST_SUITE_P(Fixtures, AcpiQemu,
    testing::Values(QemuMachine {"q35-smp1", true, 1}, QemuMachine {"q35-smp4", true, 4},
        QemuMachine {"q35-smp8", true, 8}, QemuMachine {"pc-smp1", false, 1},
        QemuMachine {"pc-smp4", false, 4}, QemuMachine {"pc-smp8", false, 8}),
    [](const testing::TestParamInfo<QemuMachine>& param) {
        std::string name = param.param.fixture;
        name.erase(name.find('-'), 1);
        return name;
    });
