#include "core/acpi/identity_memory.h"

#include "core/cpu/x86.h"

namespace rota {

namespace {

// MAXPHYADDR, CPUID leaf 0x80000008 EAX[7:0] (Intel SDM vol. 2A, CPUID); 36
// bits on processors without the leaf (Intel SDM vol. 3A section 4.1.4).
uint64_t physical_address_limit()
{
    unsigned bits = 36;
    if (x86::cpuid(0x80000000).eax >= 0x80000008)
        bits = x86::cpuid(0x80000008).eax & 0xff;
    if (bits < 32 || bits > 52)
        bits = 36;
    return 1ull << bits;
}

} // namespace

Expected<std::span<const uint8_t>> IdentityMemory::map(PhysAddr address, size_t length)
{
    uint64_t limit = physical_address_limit();
    if (address.is_null() || address.get() >= limit || length > limit - address.get())
        return make_error(Error::InvalidArgument);
    auto* bytes = VirtAddr(address.get()).as<const uint8_t>();
    return std::span<const uint8_t>(bytes, length);
}

} // namespace rota
