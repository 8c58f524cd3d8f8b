#include "core/acpi/table_directory.h"

#include "core/acpi/bytes.h"
#include "core/acpi/sdt_header.h"

namespace rota {

namespace {

void report(TableFault* out, const TableFault& fault)
{
    if (out)
        *out = fault;
}

// The root table the RSDP names, which must carry `signature`.
Expected<TableRef> check_root(
    PhysicalMemory& memory, PhysAddr address, TableSignature signature, TableFault* fault)
{
    TableFault local {};
    auto table = check_table(memory, address, &local);
    if (table.is_error()) {
        if (local.signature == TableSignature())
            local.signature = signature;
        report(fault, local);
        return make_error(table.error());
    }
    if (table->signature != signature) {
        report(fault, {table->signature, address, table->length, AcpiProblem::BadSignature});
        return make_error(Error::Corrupt);
    }
    return table.release_value();
}

// Walks the root table's entries (32-bit for the RSDT, 64-bit for the XSDT) and
// checks each table they point at.
void walk_root(PhysicalMemory& memory, TableDirectory& directory, std::span<const uint8_t> root,
    size_t entry_size)
{
    size_t payload = root.size() - sizeof(SdtHeader);
    directory.root_trailing_bytes = static_cast<uint32_t>(payload % entry_size);
    for (size_t offset = sizeof(SdtHeader); offset + entry_size <= root.size();
         offset += entry_size) {
        uint64_t raw
            = entry_size == 8 ? load<uint64_t>(root, offset) : load<uint32_t>(root, offset);
        TableFault fault {};
        auto table = check_table(memory, PhysAddr(raw), &fault);
        if (table.is_error())
            directory.faults.push(fault);
        else
            directory.tables.push(table.value());
    }
}

} // namespace

Expected<TableRef> check_table(PhysicalMemory& memory, PhysAddr address, TableFault* fault)
{
    TableFault found {TableSignature(), address, 0, AcpiProblem::None};
    auto refuse = [&](AcpiProblem problem, Error error) {
        found.problem = problem;
        report(fault, found);
        return make_error(error);
    };
    if (address.is_null())
        return refuse(AcpiProblem::NullAddress, Error::InvalidArgument);
    auto header = memory.map(address, sizeof(SdtHeader));
    if (header.is_error())
        return refuse(AcpiProblem::Unmappable, Error::InvalidArgument);
    found.signature = TableSignature::from_bytes(header->data());
    found.length = load<uint32_t>(header.value(), offsetof(SdtHeader, length));
    if (found.length < sizeof(SdtHeader))
        return refuse(AcpiProblem::TooShort, Error::Corrupt);
    if (found.length > max_table_length)
        return refuse(AcpiProblem::TooLong, Error::Corrupt);
    uint8_t revision = load<uint8_t>(header.value(), offsetof(SdtHeader, revision));
    auto whole = memory.map(address, found.length);
    if (whole.is_error())
        return refuse(AcpiProblem::Unmappable, Error::InvalidArgument);
    if (byte_sum(whole.value()) != 0)
        return refuse(AcpiProblem::BadChecksum, Error::Corrupt);
    return TableRef {found.signature, address, found.length, revision};
}

Expected<std::span<const uint8_t>> map_table(PhysicalMemory& memory, const TableRef& table)
{
    return memory.map(table.address, table.length);
}

Expected<TableDirectory> read_table_directory(
    PhysicalMemory& memory, PhysAddr rsdp_address, TableFault* failure)
{
    AcpiProblem rsdp_problem = AcpiProblem::None;
    auto rsdp = read_rsdp(memory, rsdp_address, &rsdp_problem);
    if (rsdp.is_error()) {
        report(failure, {signatures::rsdp, rsdp_address, 0, rsdp_problem});
        return make_error(rsdp.error());
    }

    TableDirectory directory {};
    directory.rsdp = rsdp.value();
    directory.rsdp_address = rsdp_address;
    // ACPI 6.5 section 5.2.5.3: an OS uses the XSDT when the RSDP has one. A
    // broken XSDT next to a good RSDT is firmware's mistake; the RSDT lists the
    // same tables, so it is the better fallback than no ACPI at all.
    size_t entry_size = 4;
    std::optional<TableRef> root;
    if (!directory.rsdp.xsdt.is_null()) {
        TableFault fault {};
        auto xsdt = check_root(memory, directory.rsdp.xsdt, signatures::xsdt, &fault);
        if (xsdt.has_value()) {
            root = xsdt.value();
            entry_size = 8;
        } else if (directory.rsdp.rsdt.is_null()) {
            report(failure, fault);
            return make_error(xsdt.error());
        } else {
            directory.root_fallback = fault;
        }
    }
    if (!root) {
        auto rsdt = check_root(memory, directory.rsdp.rsdt, signatures::rsdt, failure);
        if (rsdt.is_error())
            return make_error(rsdt.error());
        root = rsdt.value();
    }
    directory.root = *root;
    auto bytes = map_table(memory, directory.root);
    if (bytes.is_error()) {
        report(failure,
            {directory.root.signature, directory.root.address, directory.root.length,
                AcpiProblem::Unmappable});
        return make_error(bytes.error());
    }
    walk_root(memory, directory, bytes.value(), entry_size);
    return directory;
}

std::optional<TableRef> find_table(
    const TableDirectory& directory, TableSignature signature, size_t index)
{
    for (const TableRef& table : directory.tables) {
        if (table.signature == signature && index-- == 0)
            return table;
    }
    return std::nullopt;
}

} // namespace rota
