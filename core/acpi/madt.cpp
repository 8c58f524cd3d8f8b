#include "core/acpi/madt.h"

#include "core/acpi/bytes.h"
#include "core/acpi/sdt_header.h"

namespace rota {

namespace {

// Interrupt Controller Structure types, ACPI 6.5 section 5.2.12, and
// the length of each structure rota reads.
enum class EntryType : uint8_t {
    LocalApic = 0,
    IoApic = 1,
    InterruptOverride = 2,
    NmiSource = 3,
    LocalApicNmi = 4,
    LocalApicAddressOverride = 5,
    LocalX2apic = 9,
    LocalX2apicNmi = 0xa,
};

constexpr size_t madt_fixed_length = sizeof(SdtHeader) + 8; // + local APIC address, flags
constexpr uint32_t flag_enabled = 1u << 0; // Local APIC Flags
constexpr uint32_t flag_online_capable = 1u << 1;
constexpr uint32_t flag_pcat_compat = 1u << 0; // Multiple APIC Flags

constexpr size_t minimum_length(EntryType type)
{
    switch (type) {
    case EntryType::LocalApic:
        return 8;
    case EntryType::IoApic:
        return 12;
    case EntryType::InterruptOverride:
        return 10;
    case EntryType::NmiSource:
        return 8;
    case EntryType::LocalApicNmi:
        return 6;
    case EntryType::LocalApicAddressOverride:
        return 12;
    case EntryType::LocalX2apic:
        return 16;
    case EntryType::LocalX2apicNmi:
        return 12;
    }
    return 2;
}

bool is_known(uint8_t type)
{
    return type <= 5 || type == 9 || type == 0xa;
}

// An entry too short for its type: skipped. Only the first is recorded.
void note_short_entry(Madt& madt, size_t offset)
{
    ++madt.short_entries;
    if (madt.entry_problem != AcpiProblem::None)
        return;
    madt.entry_problem = AcpiProblem::EntryTooShort;
    madt.entry_problem_offset = static_cast<uint32_t>(offset);
}

// An entry whose length cannot be followed: the walk ends there. This is the
// problem worth reporting, whatever was skipped before it.
void stop_walk(Madt& madt, AcpiProblem problem, size_t offset)
{
    madt.entry_problem = problem;
    madt.entry_problem_offset = static_cast<uint32_t>(offset);
    madt.walk_stopped = true;
}

// ACPI 6.5 section 5.2.12.12: firmware may describe one processor with both
// entry kinds. It is one CPU to start, not two.
void add_processor(Madt& madt, const MadtProcessor& processor)
{
    for (const MadtProcessor& known : madt.processors) {
        if (known.apic_id == processor.apic_id) {
            ++madt.duplicate_processors;
            return;
        }
    }
    if (madt.processors.push(processor) && processor.enabled)
        ++madt.enabled_processors;
}

MadtProcessor processor_from(uint32_t apic_id, uint32_t uid, uint32_t flags, bool x2apic)
{
    bool enabled = (flags & flag_enabled) != 0;
    // Online Capable only means something when Enabled is clear.
    bool online_capable = !enabled && (flags & flag_online_capable) != 0;
    return {apic_id, uid, enabled, online_capable, x2apic};
}

void parse_entry(Madt& madt, EntryType type, std::span<const uint8_t> entry)
{
    switch (type) {
    case EntryType::LocalApic:
        add_processor(madt,
            processor_from(
                load<uint8_t>(entry, 3), load<uint8_t>(entry, 2), load<uint32_t>(entry, 4), false));
        return;
    case EntryType::LocalX2apic:
        add_processor(madt,
            processor_from(load<uint32_t>(entry, 4), load<uint32_t>(entry, 12),
                load<uint32_t>(entry, 8), true));
        return;
    case EntryType::IoApic:
        madt.io_apics.push(
            {load<uint8_t>(entry, 2), load<uint32_t>(entry, 4), load<uint32_t>(entry, 8)});
        return;
    case EntryType::InterruptOverride:
        madt.overrides.push({load<uint8_t>(entry, 2), load<uint8_t>(entry, 3),
            load<uint32_t>(entry, 4), load<uint16_t>(entry, 8)});
        return;
    case EntryType::NmiSource:
        madt.nmi_sources.push({load<uint16_t>(entry, 2), load<uint32_t>(entry, 4)});
        return;
    case EntryType::LocalApicNmi: {
        uint8_t uid = load<uint8_t>(entry, 2);
        madt.local_nmis.push({uid, uid == 0xff, load<uint16_t>(entry, 3), load<uint8_t>(entry, 5)});
        return;
    }
    case EntryType::LocalX2apicNmi: {
        uint32_t uid = load<uint32_t>(entry, 4);
        madt.local_nmis.push(
            {uid, uid == 0xffffffff, load<uint16_t>(entry, 2), load<uint8_t>(entry, 8)});
        return;
    }
    case EntryType::LocalApicAddressOverride:
        madt.local_apic_address = load<uint64_t>(entry, 4);
        madt.local_apic_overridden = true;
        return;
    }
}

} // namespace

Expected<Madt> parse_madt(std::span<const uint8_t> table)
{
    if (table.size() < madt_fixed_length)
        return make_error(Error::Corrupt);
    Madt madt {};
    madt.local_apic_address = load<uint32_t>(table, sizeof(SdtHeader));
    madt.pcat_compat = (load<uint32_t>(table, sizeof(SdtHeader) + 4) & flag_pcat_compat) != 0;

    // Each entry starts with its type and its length. The walk
    // always advances by at least two bytes, so it ends, and never reads past
    // the table.
    size_t offset = madt_fixed_length;
    while (offset < table.size()) {
        if (table.size() - offset < 2) {
            stop_walk(madt, AcpiProblem::EntryPastEnd, offset);
            break;
        }
        uint8_t type = table[offset];
        uint8_t length = table[offset + 1];
        if (length < 2) {
            stop_walk(madt, AcpiProblem::ZeroLengthEntry, offset);
            break;
        }
        if (length > table.size() - offset) {
            stop_walk(madt, AcpiProblem::EntryPastEnd, offset);
            break;
        }
        auto entry = table.subspan(offset, length);
        if (!is_known(type)) {
            ++madt.other_entries;
        } else if (length < minimum_length(static_cast<EntryType>(type))) {
            // Its length still says where the next entry is: skip just this one.
            note_short_entry(madt, offset);
        } else {
            parse_entry(madt, static_cast<EntryType>(type), entry);
        }
        offset += length;
    }
    return madt;
}

} // namespace rota
