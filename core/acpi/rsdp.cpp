#include "core/acpi/rsdp.h"

#include "core/acpi/bytes.h"

namespace rota {

namespace {

Unexpected fail(AcpiProblem* out, AcpiProblem problem, Error error)
{
    if (out)
        *out = problem;
    return make_error(error);
}

} // namespace

Expected<Rsdp> read_rsdp(PhysicalMemory& memory, PhysAddr address, AcpiProblem* problem)
{
    if (address.is_null())
        return fail(problem, AcpiProblem::NullAddress, Error::NotFound);
    auto v1 = memory.map(address, rsdp_v1_length);
    if (v1.is_error())
        return fail(problem, AcpiProblem::Unmappable, Error::InvalidArgument);
    std::span<const uint8_t> bytes = v1.value();
    constexpr char expected[8] = {'R', 'S', 'D', ' ', 'P', 'T', 'R', ' '};
    for (size_t i = 0; i < sizeof expected; ++i) {
        if (bytes[i] != static_cast<uint8_t>(expected[i]))
            return fail(problem, AcpiProblem::BadSignature, Error::NotFound);
    }
    if (byte_sum(bytes) != 0)
        return fail(problem, AcpiProblem::BadChecksum, Error::Corrupt);

    Rsdp rsdp {};
    rsdp.revision = load<uint8_t>(bytes, offsetof(RsdpWire, revision));
    // Printable and without the padding spaces ("BOCHS "), for the log.
    for (size_t i = 0; i < 6; ++i) {
        uint8_t c = bytes[offsetof(RsdpWire, oem_id) + i];
        rsdp.oem_id[i] = c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?';
    }
    for (size_t i = 6; i > 0 && rsdp.oem_id[i - 1] == ' '; --i)
        rsdp.oem_id[i - 1] = '\0';
    rsdp.rsdt = PhysAddr(load<uint32_t>(bytes, offsetof(RsdpWire, rsdt_address)));
    rsdp.length = rsdp_v1_length;
    // Revision 1 was never defined; anything below 2 is the 1.0 structure.
    if (rsdp.revision < 2)
        return rsdp;

    auto v2 = memory.map(address, sizeof(RsdpWire));
    if (v2.is_error())
        return fail(problem, AcpiProblem::Unmappable, Error::InvalidArgument);
    uint32_t length = load<uint32_t>(v2.value(), offsetof(RsdpWire, length));
    if (length < sizeof(RsdpWire))
        return fail(problem, AcpiProblem::TooShort, Error::Corrupt);
    if (length > rsdp_max_length)
        return fail(problem, AcpiProblem::TooLong, Error::Corrupt);
    auto whole = memory.map(address, length);
    if (whole.is_error())
        return fail(problem, AcpiProblem::Unmappable, Error::InvalidArgument);
    if (byte_sum(whole.value()) != 0)
        return fail(problem, AcpiProblem::BadExtendedChecksum, Error::Corrupt);
    rsdp.length = length;
    rsdp.xsdt = PhysAddr(load<uint64_t>(v2.value(), offsetof(RsdpWire, xsdt_address)));
    return rsdp;
}

} // namespace rota
