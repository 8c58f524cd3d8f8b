#include "core/acpi/fadt.h"

#include <algorithm>

#include "core/acpi/bytes.h"

namespace rota {

namespace {

// Field offsets, ACPI 6.5 section 5.2.9.
constexpr size_t dsdt_offset = 40;
constexpr size_t sci_int_offset = 46;
constexpr size_t pm1a_cnt_blk_offset = 64;
constexpr size_t pm1b_cnt_blk_offset = 68;
constexpr size_t pm_tmr_blk_offset = 76;
constexpr size_t pm_tmr_len_offset = 91;
constexpr size_t iapc_boot_arch_offset = 109;
constexpr size_t flags_offset = 112;
constexpr size_t reset_reg_offset = 116;
constexpr size_t reset_value_offset = 128;
constexpr size_t x_dsdt_offset = 140;
constexpr size_t x_pm1a_cnt_blk_offset = 172;
constexpr size_t x_pm1b_cnt_blk_offset = 184;
constexpr size_t x_pm_tmr_blk_offset = 208;

std::optional<GenericAddress> present(const GenericAddress& address)
{
    if (address.address == 0)
        return std::nullopt;
    return address;
}

// X_PM_TMR_BLK takes precedence when it holds an address OSPM can use;
// otherwise PM_TMR_BLK, a port, with PM_TMR_LEN 4 (section 5.2.9).
std::optional<PmTimer> find_pm_timer(std::span<const uint8_t> fields, uint32_t flags)
{
    unsigned bits = (flags & fadt_tmr_val_ext) != 0 ? 32 : 24;
    auto extended = load<GenericAddress>(fields, x_pm_tmr_blk_offset);
    auto space = static_cast<AddressSpace>(extended.space_id);
    bool usable = (space == AddressSpace::SystemIo && extended.address <= 0xffff)
        || space == AddressSpace::SystemMemory;
    if (extended.address != 0 && usable)
        return PmTimer {space, extended.address, bits};
    uint32_t port = load<uint32_t>(fields, pm_tmr_blk_offset);
    if (port != 0 && port <= 0xffff && load<uint8_t>(fields, pm_tmr_len_offset) == 4)
        return PmTimer {AddressSpace::SystemIo, port, bits};
    return std::nullopt;
}

} // namespace

Expected<Fadt> parse_fadt(std::span<const uint8_t> table)
{
    if (table.size() < fadt_v1_length)
        return make_error(Error::Corrupt);
    // A copy padded with zeros to the newest layout: a field the firmware's
    // revision does not have reads as zero, which every field treats as absent.
    uint8_t padded[fadt_known_length] {};
    std::copy_n(table.begin(), std::min(table.size(), fadt_known_length), padded);
    std::span<const uint8_t> fields(padded, sizeof padded);

    Fadt fadt {};
    fadt.revision = load<uint8_t>(fields, offsetof(SdtHeader, revision));
    fadt.flags = load<uint32_t>(fields, flags_offset);
    fadt.hardware_reduced = (fadt.flags & fadt_hw_reduced_acpi) != 0;
    uint64_t x_dsdt = load<uint64_t>(fields, x_dsdt_offset);
    fadt.dsdt = PhysAddr(x_dsdt != 0 ? x_dsdt : load<uint32_t>(fields, dsdt_offset));
    // IAPC_BOOT_ARCH was reserved in the ACPI 1.0 FADT (revision 1).
    if (fadt.revision >= 2)
        fadt.boot_arch = load<uint16_t>(fields, iapc_boot_arch_offset);
    if ((fadt.flags & fadt_reset_reg_sup) != 0) {
        auto reset = load<GenericAddress>(fields, reset_reg_offset);
        if (reset.address != 0)
            fadt.reset = ResetRegister {reset, load<uint8_t>(fields, reset_value_offset)};
    }
    // Section 5.2.9: on hardware-reduced platforms OSPM ignores the fixed
    // hardware fields (the PM timer and PM1 blocks among them).
    if (fadt.hardware_reduced)
        return fadt;
    fadt.sci_interrupt = load<uint16_t>(fields, sci_int_offset);
    fadt.pm_timer = find_pm_timer(fields, fadt.flags);
    fadt.pm1a_control = load<uint32_t>(fields, pm1a_cnt_blk_offset);
    fadt.pm1b_control = load<uint32_t>(fields, pm1b_cnt_blk_offset);
    fadt.x_pm1a_control = present(load<GenericAddress>(fields, x_pm1a_cnt_blk_offset));
    fadt.x_pm1b_control = present(load<GenericAddress>(fields, x_pm1b_cnt_blk_offset));
    return fadt;
}

} // namespace rota
