// Wired interrupts through the I/O APIC, from the MADTs QEMU 7.2 + OVMF
// publish (tests/fixtures/acpi) and the Interrupt Line the firmware wrote into
// the captured virtio devices (tests/fixtures/pci), programmed into a fake
// I/O APIC that models the index/window register pair.

#include <gtest/gtest.h>

#include <map>

#include "acpi_fixture.h"
#include "core/acpi/madt.h"
#include "core/cpu/ioapic_registers.h"
#include "core/cpu/irq_route.h"
#include "core/pci/config_registers.h"
#include "pci_fixture.h"

using namespace rota;

namespace {

// An 82093AA-style I/O APIC: IOREGSEL selects, IOWIN reads or writes the
// selected register; entries come out of reset masked (datasheet 3.2.4).
class FakeIoApic {
public:
    explicit FakeIoApic(unsigned pins, uint8_t id = 0)
        : m_pins(pins)
    {
        m_registers[ioapic::index_id] = uint32_t(id) << 24;
        m_registers[ioapic::index_version] = (pins - 1) << 16 | 0x20;
        for (unsigned pin = 0; pin < pins; ++pin) {
            m_registers[uint8_t(0x10 + 2 * pin)] = 0x00010000;
            m_registers[uint8_t(0x11 + 2 * pin)] = 0;
        }
    }
    struct Space {
        FakeIoApic* chip;
        uint32_t read(Register<uint32_t> reg) const { return chip->read(reg.offset); }
        void write(Register<uint32_t> reg, uint32_t value) const { chip->write(reg.offset, value); }
    };
    Space space() { return {this}; }
    void preset(unsigned pin, uint64_t entry)
    {
        m_registers[uint8_t(0x10 + 2 * pin)] = uint32_t(entry);
        m_registers[uint8_t(0x11 + 2 * pin)] = uint32_t(entry >> 32);
    }
    uint64_t entry(unsigned pin)
    {
        return uint64_t(m_registers[uint8_t(0x10 + 2 * pin)])
            | uint64_t(m_registers[uint8_t(0x11 + 2 * pin)]) << 32;
    }
    // Every value an entry's low dword held while it was unmasked.
    std::vector<uint32_t> unmasked_lows;

private:
    uint32_t read(uint32_t offset)
    {
        EXPECT_EQ(offset, 0x10u) << "only IOWIN is read";
        return m_registers[m_select];
    }
    void write(uint32_t offset, uint32_t value)
    {
        if (offset == 0x00) {
            m_select = uint8_t(value);
            return;
        }
        ASSERT_EQ(offset, 0x10u);
        if (m_select <= ioapic::index_version)
            return; // read-only here
        ASSERT_LT(m_select, 0x10 + 2 * m_pins) << "no such register";
        m_registers[m_select] = value;
        if (m_select % 2 == 0 && (value & 0x10000) == 0)
            unmasked_lows.push_back(value);
    }

    unsigned m_pins;
    uint8_t m_select {0};
    std::map<uint8_t, uint32_t> m_registers;
};

Madt madt_of(const std::string& fixture)
{
    acpi_test::FixtureMemory memory(fixture);
    auto& bytes = memory.bytes("APIC.bin");
    auto madt = parse_madt(bytes);
    EXPECT_TRUE(madt.has_value());
    return madt.release_value();
}

class IoApicQemu : public testing::TestWithParam<const char*> { };

} // namespace

TEST_P(IoApicQemu, IsaIrqsFollowTheOverrides)
{
    Madt madt = madt_of(GetParam());
    GsiRoute pit = isa_irq_route(madt, 0);
    EXPECT_EQ(pit.gsi, 2u) << "the PIT's IRQ 0 is wired to input 2";
    EXPECT_TRUE(pit.overridden);
    EXPECT_EQ(pit.trigger, Trigger::Edge) << "flags 0: as ISA does it";
    EXPECT_EQ(pit.polarity, Polarity::ActiveHigh);
    GsiRoute com1 = isa_irq_route(madt, 4);
    EXPECT_EQ(com1.gsi, 4u);
    EXPECT_FALSE(com1.overridden);
    EXPECT_EQ(com1.trigger, Trigger::Edge);
    GsiRoute pci = isa_irq_route(madt, 11);
    EXPECT_EQ(pci.gsi, 11u);
    EXPECT_EQ(pci.trigger, Trigger::Level) << "flags 0xd";
    EXPECT_EQ(pci.polarity, Polarity::ActiveHigh);
}

TEST_P(IoApicQemu, VirtioIntxLandsOnItsLevelTriggeredInput)
{
    Madt madt = madt_of(GetParam());
    bool q35 = std::string(GetParam()).rfind("q35", 0) == 0;
    auto fixture = pci_test::load_fixture(q35 ? "q35-virtio-blk" : "pc-virtio-blk");
    auto config = fixture.config_space();
    Bdf blk {0, 0, uint8_t(q35 ? 1 : 2), 0};
    uint8_t line = config->read(blk, pci::interrupt_line);
    uint8_t pin = config->read(blk, pci::interrupt_pin);
    EXPECT_EQ(pin, 1) << "INTA#";
    auto route = pci_intx_route(madt, line);
    ASSERT_TRUE(route.has_value());
    EXPECT_EQ(route->gsi, line) << "the firmware's IRQ " << int(line);
    EXPECT_EQ(route->trigger, Trigger::Level);
    EXPECT_EQ(route->polarity, Polarity::ActiveHigh) << "as the MADT's override says";

    ASSERT_EQ(madt.io_apics.size(), 1u);
    FakeIoApic chip(24);
    IoApicRegisters<FakeIoApic::Space> registers(chip.space());
    EXPECT_EQ(registers.pins(), 24u);
    IoApicInputs inputs[] = {{madt.io_apics[0].gsi_base, registers.pins()}};
    auto at = find_ioapic_pin(inputs, route->gsi);
    ASSERT_TRUE(at.has_value());
    EXPECT_EQ(at->ioapic, 0u);
    EXPECT_EQ(at->pin, line);

    uint64_t entry = redirection_entry(*route, 0x35, 0, false);
    registers.set_entry(at->pin, entry);
    EXPECT_EQ(chip.entry(at->pin), 0x35u | 1u << 15) << "fixed, physical, level, high, unmasked";
    EXPECT_EQ(registers.entry(at->pin), chip.entry(at->pin));
    // The vector and mode were never live with the old destination.
    ASSERT_EQ(chip.unmasked_lows.size(), 1u);
    EXPECT_EQ(chip.unmasked_lows[0], uint32_t(entry));
}

INSTANTIATE_TEST_SUITE_P(Machines, IoApicQemu, testing::Values("q35-smp4", "pc-smp4", "q35-smp1"));

TEST(IoApic, MaskAllMasksWhatTheFirmwareLeftOpen)
{
    FakeIoApic chip(24);
    chip.preset(3, 0x0000000000000041); // an unmasked edge interrupt, vector 0x41
    chip.preset(20, 0x0100000000008052);
    IoApicRegisters<FakeIoApic::Space> registers(chip.space());
    registers.mask_all();
    for (unsigned pin = 0; pin < 24; ++pin)
        EXPECT_NE(chip.entry(pin) & ioapic::masked, 0u) << pin;
    EXPECT_EQ(chip.entry(3) & 0xff, 0x41u) << "the rest of the entry is kept";
    EXPECT_EQ(chip.entry(20) >> 56, 1u);
    registers.set_masked(3, false);
    EXPECT_EQ(chip.entry(3), 0x41u);
}

TEST(IoApic, EntriesCarryPolarityTriggerAndDestination)
{
    GsiRoute low_level {16, Polarity::ActiveLow, Trigger::Level, false};
    EXPECT_EQ(redirection_entry(low_level, 0x40, 3, true),
        0x40u | 1u << 13 | 1u << 15 | 1u << 16 | 3ull << 56);
    GsiRoute high_edge {4, Polarity::ActiveHigh, Trigger::Edge, false};
    EXPECT_EQ(redirection_entry(high_edge, 0x31, 0, false), 0x31u);
}

TEST(IoApic, PciWithoutAnOverrideIsLevelActiveLow)
{
    Madt madt {};
    auto route = pci_intx_route(madt, 9);
    ASSERT_TRUE(route.has_value());
    EXPECT_EQ(route->gsi, 9u);
    EXPECT_EQ(route->trigger, Trigger::Level);
    EXPECT_EQ(route->polarity, Polarity::ActiveLow);
    EXPECT_EQ(pci_intx_route(madt, 0xff).error(), Error::NotFound) << "not routed";
    EXPECT_EQ(pci_intx_route(madt, 16).error(), Error::NotFound);
}

TEST(IoApic, GsisFindTheirIoApic)
{
    IoApicInputs two[] = {{0, 24}, {24, 32}};
    EXPECT_EQ(find_ioapic_pin(two, 23)->ioapic, 0u);
    EXPECT_EQ(find_ioapic_pin(two, 24)->ioapic, 1u);
    EXPECT_EQ(find_ioapic_pin(two, 24)->pin, 0u);
    EXPECT_EQ(find_ioapic_pin(two, 55)->pin, 31u);
    EXPECT_FALSE(find_ioapic_pin(two, 56).has_value());
}
