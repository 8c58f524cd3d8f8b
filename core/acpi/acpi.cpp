#include "core/acpi/acpi.h"

#include "core/acpi/identity_memory.h"
#include "core/lib/format.h"
#include "core/log/log.h"

namespace rota {

namespace {

constinit AcpiInfo g_acpi {};

void log_fault(const char* what, const TableFault& fault)
{
    klog("[acpi] %s sig=%s at 0x%lx length=%u: %s", what, fault.signature.c_str(),
        fault.address.get(), fault.length, acpi_problem_name(fault.problem));
}

void log_directory(const TableDirectory& directory)
{
    // A line holds at most max_line characters: the list stops short of that.
    char names[160] = "";
    size_t used = 0;
    size_t listed = 0;
    for (const TableRef& table : directory.tables) {
        if (used + 6 >= sizeof names)
            break;
        used += format(names + used, sizeof names - used, "%s%s", listed == 0 ? "" : ",",
            table.signature.c_str());
        ++listed;
    }
    if (listed < directory.tables.size())
        format(names + used, sizeof names - used, ",+%zu", directory.tables.size() - listed);
    bool xsdt = directory.root.signature == signatures::xsdt;
    klog("[acpi] rsdp revision=%u oem=%s %s=0x%lx tables=%s", directory.rsdp.revision,
        directory.rsdp.oem_id, xsdt ? "xsdt" : "rsdt", directory.root.address.get(),
        listed == 0 ? "none" : names);
    if (directory.root_fallback)
        log_fault("xsdt refused, using the rsdt:", *directory.root_fallback);
    if (directory.root_trailing_bytes != 0)
        klog("[acpi] %s has %u trailing bytes that are not a whole entry: ignored",
            xsdt ? "xsdt" : "rsdt", directory.root_trailing_bytes);
    for (const TableFault& fault : directory.faults)
        log_fault("skipped table", fault);
    if (directory.faults.truncated())
        klog("[acpi] %zu more tables skipped (not listed)", directory.faults.dropped());
    if (directory.tables.truncated())
        klog("[acpi] more than %zu tables: %zu not kept", directory.tables.capacity,
            directory.tables.dropped());
}

template<class List>
void log_truncated(const char* what, const List& list)
{
    if (list.truncated())
        klog("[acpi] madt lists more %s than %zu: %zu not kept", what, list.capacity,
            list.dropped());
}

void log_madt(const ParsedTable<Madt>& parsed)
{
    if (!parsed.value) {
        if (parsed.table)
            klog("[acpi] madt at 0x%lx unusable: %s", parsed.table->address.get(),
                error_name(parsed.error));
        else
            klog("[acpi] madt none");
        return;
    }
    const Madt& madt = *parsed.value;
    size_t lapic_nmis = madt.local_nmis.size();
    klog("[acpi] madt cpus=%zu enabled=%zu ioapics=%zu lapic=0x%lx overrides=%zu nmi_sources=%zu "
         "lapic_nmis=%zu pcat=%s",
        madt.processors.size(), madt.enabled_processors, madt.io_apics.size(),
        madt.local_apic_address, madt.overrides.size(), madt.nmi_sources.size(), lapic_nmis,
        madt.pcat_compat ? "yes" : "no");
    if (madt.walk_stopped)
        klog("[acpi] madt entry at offset 0x%x: %s: walk stopped, kept the %zu cpus and %zu "
             "ioapics before it",
            madt.entry_problem_offset, acpi_problem_name(madt.entry_problem),
            madt.processors.size(), madt.io_apics.size());
    if (madt.short_entries != 0 && madt.walk_stopped)
        klog("[acpi] madt %zu entries shorter than their type's structure: skipped",
            madt.short_entries);
    else if (madt.short_entries != 0)
        klog("[acpi] madt %zu entries shorter than their type's structure: skipped, the first at "
             "offset 0x%x",
            madt.short_entries, madt.entry_problem_offset);
    if (madt.duplicate_processors != 0)
        klog("[acpi] madt %zu entries repeat an apic id: ignored", madt.duplicate_processors);
    log_truncated("cpus", madt.processors);
    log_truncated("ioapics", madt.io_apics);
    log_truncated("overrides", madt.overrides);
    log_truncated("nmi sources", madt.nmi_sources);
    log_truncated("lapic nmis", madt.local_nmis);
}

void log_mcfg(const ParsedTable<Mcfg>& parsed)
{
    if (!parsed.value) {
        if (parsed.table)
            klog("[acpi] mcfg at 0x%lx unusable: %s", parsed.table->address.get(),
                error_name(parsed.error));
        else
            klog("[acpi] mcfg none");
        return;
    }
    const Mcfg& mcfg = *parsed.value;
    if (mcfg.regions.empty()) {
        klog("[acpi] mcfg segments=0");
    }
    for (size_t i = 0; i < mcfg.regions.size(); ++i) {
        const EcamRegion& region = mcfg.regions[i];
        if (i == 0)
            klog("[acpi] mcfg segments=%zu ecam=0x%lx buses=%u-%u", mcfg.regions.size(),
                region.base, region.start_bus, region.end_bus);
        else
            klog("[acpi] mcfg segment=%u ecam=0x%lx buses=%u-%u", region.segment, region.base,
                region.start_bus, region.end_bus);
    }
    if (mcfg.invalid_entries != 0)
        klog("[acpi] mcfg %zu entries with a null base or end bus < start bus: ignored",
            mcfg.invalid_entries);
    if (mcfg.trailing_bytes != 0)
        klog("[acpi] mcfg length is not 44 + 16n: %u trailing bytes ignored", mcfg.trailing_bytes);
    if (mcfg.regions.truncated())
        klog("[acpi] mcfg lists more than %zu segments: %zu not kept", mcfg.regions.capacity,
            mcfg.regions.dropped());
}

// "port:0xcf9", "mmio:0xfed00000", ...
void describe_address(char* buffer, size_t capacity, AddressSpace space, uint64_t address)
{
    format(buffer, capacity, "%s:0x%lx", address_space_name(space), address);
}

void describe_boot_arch(char* buffer, size_t capacity, uint16_t flags)
{
    static constexpr struct {
        uint16_t bit;
        const char* name;
    } names[] = {{IapcLegacyDevices, "legacy"}, {Iapc8042, "8042"}, {IapcVgaNotPresent, "no-vga"},
        {IapcMsiNotSupported, "no-msi"}, {IapcPcieAspmControls, "aspm"},
        {IapcCmosRtcNotPresent, "no-cmos-rtc"}};
    size_t used = format(buffer, capacity, "%s", flags == 0 ? "none" : "");
    for (const auto& name : names) {
        if (flags & name.bit)
            used += format(buffer + used, capacity - used, "%s%s", used == 0 ? "" : ",", name.name);
    }
}

void log_fadt(const AcpiInfo& info)
{
    const ParsedTable<Fadt>& parsed = info.fadt;
    if (!parsed.value) {
        if (parsed.table)
            klog("[acpi] fadt at 0x%lx unusable: %s", parsed.table->address.get(),
                error_name(parsed.error));
        else
            klog("[acpi] fadt none");
        return;
    }
    const Fadt& fadt = *parsed.value;
    char timer[40] = "none";
    unsigned bits = 0;
    if (fadt.pm_timer) {
        describe_address(timer, sizeof timer, fadt.pm_timer->space, fadt.pm_timer->address);
        bits = fadt.pm_timer->bits;
    }
    char reset[56] = "none";
    if (fadt.reset) {
        size_t used = 0;
        used = format(reset, sizeof reset, "%s:0x%lx",
            address_space_name(static_cast<AddressSpace>(fadt.reset->address.space_id)),
            fadt.reset->address.address);
        format(reset + used, sizeof reset - used, " reset_value=0x%x", fadt.reset->value);
    }
    char boot_arch[64];
    describe_boot_arch(boot_arch, sizeof boot_arch, fadt.boot_arch);
    klog("[acpi] fadt revision=%u pm_timer=%s bits=%u reset=%s boot_arch=%s hw_reduced=%s sci=%u "
         "dsdt=0x%lx",
        fadt.revision, timer, bits, reset, boot_arch, fadt.hardware_reduced ? "yes" : "no",
        fadt.sci_interrupt, fadt.dsdt.get());
    if (info.dsdt_fault)
        log_fault("dsdt refused:", *info.dsdt_fault);
}

} // namespace

void acpi_init(const BootInfo& info)
{
    if (info.acpi_rsdp.is_null()) {
        klog("[acpi] no rsdp: running without ACPI");
        return;
    }
    IdentityMemory memory;
    parse_acpi(memory, info.acpi_rsdp, g_acpi);
    if (!g_acpi.present) {
        log_fault("refused", g_acpi.failure);
        klog("[acpi] no usable rsdp: running without ACPI");
        return;
    }
    log_directory(g_acpi.directory);
    log_madt(g_acpi.madt);
    log_mcfg(g_acpi.mcfg);
    log_fadt(g_acpi);
    if (info.config.debug & DebugDumpAcpi)
        acpi_dump_tables(g_acpi);
}

const AcpiInfo& acpi_info()
{
    return g_acpi;
}
const Madt* acpi_madt()
{
    return g_acpi.madt.value ? &*g_acpi.madt.value : nullptr;
}
const Mcfg* acpi_mcfg()
{
    return g_acpi.mcfg.value ? &*g_acpi.mcfg.value : nullptr;
}
const Fadt* acpi_fadt()
{
    return g_acpi.fadt.value ? &*g_acpi.fadt.value : nullptr;
}

} // namespace rota
