#include "core/cpu/page_fault.h"

#include "core/lib/format.h"

namespace rota {

namespace {

const char* ist_stack_name(size_t slot_index)
{
    switch (slot_index + 1) {
    case ist::double_fault:
        return "double-fault stack";
    case ist::nmi:
        return "NMI stack";
    case ist::machine_check:
        return "machine-check stack";
    case ist::page_fault:
        return "page-fault stack";
    default:
        return "interrupt stack";
    }
}

// The part of the kernel image (or this CPU's stacks) holding `address`.
const char* region_of(uint64_t address, const FaultContext& c)
{
    const KernelImageLayout& image = c.image;
    if (address >= image.text_start && address < image.text_end)
        return "kernel text";
    if (address >= image.rodata_start && address < image.rodata_end)
        return "kernel read-only data";
    if (address >= image.data_start && address < image.data_end)
        return "kernel data";
    if (address >= image.base && address < image.end)
        return "kernel image";
    if (c.kernel_stack.contains(address))
        return "kernel stack";
    for (size_t i = 0; i < ist::count; ++i) {
        if (c.ist_stacks[i].contains(address))
            return ist_stack_name(i);
    }
    return "memory";
}

const char* access_verb(PageFaultError error)
{
    if (error.instruction_fetch)
        return "call";
    return error.write ? "write" : "read";
}

uint64_t image_offset(uint64_t address, const FaultContext& c)
{
    return address >= c.image.base ? address - c.image.base : 0;
}

} // namespace

PageFaultReport classify_page_fault(
    uint64_t address, PageFaultError error, const FaultContext& context)
{
    // An overflow first: the guard is what makes it visible, whatever the access.
    if (context.kernel_stack.in_guard(address))
        return {PageFaultKind::StackOverflow, "kernel stack", context.kernel_stack};
    for (size_t i = 0; i < ist::count; ++i) {
        if (context.ist_stacks[i].in_guard(address))
            return {PageFaultKind::StackOverflow, ist_stack_name(i), context.ist_stacks[i]};
    }
    if (address < page_size)
        return {PageFaultKind::NullPointer, "memory", {}};
    const char* region = region_of(address, context);
    if (error.reserved_bit)
        return {PageFaultKind::ReservedBit, region, {}};
    if (!error.present)
        return {PageFaultKind::NotMapped, region, {}};
    if (error.instruction_fetch)
        return {PageFaultKind::ExecuteNoExecute, region, {}};
    if (error.write)
        return {PageFaultKind::WriteToReadOnly, region, {}};
    return {PageFaultKind::Other, region, {}};
}

size_t describe_page_fault(const PageFaultReport& r, uint64_t address, PageFaultError error,
    uint64_t rip, uint64_t rsp, const FaultContext& c, char* buffer, size_t capacity)
{
    switch (r.kind) {
    case PageFaultKind::StackOverflow:
        return format(buffer, capacity,
            "stack overflow on cpu %u: the %s 0x%lx-0x%lx ran into its guard page at 0x%lx "
            "(rsp=0x%lx)",
            c.cpu, r.region, r.stack.bottom, r.stack.top, r.stack.guard_page(), rsp);
    case PageFaultKind::NullPointer:
        return format(buffer, capacity,
            "null pointer %s on cpu %u: address=0x%lx rip=0x%lx (rota+0x%lx)", access_verb(error),
            c.cpu, address, rip, image_offset(rip, c));
    case PageFaultKind::WriteToReadOnly:
        return format(buffer, capacity,
            "write to read-only %s on cpu %u: address=0x%lx (rota+0x%lx) rip=0x%lx (rota+0x%lx)",
            r.region, c.cpu, address, image_offset(address, c), rip, image_offset(rip, c));
    case PageFaultKind::ExecuteNoExecute:
        return format(buffer, capacity,
            "jump into no-execute %s on cpu %u: address=0x%lx (rota+0x%lx)", r.region, c.cpu,
            address, image_offset(address, c));
    case PageFaultKind::ReservedBit:
        return format(buffer, capacity,
            "page fault on cpu %u: a page-table entry for 0x%lx sets a reserved bit", c.cpu,
            address);
    case PageFaultKind::NotMapped:
        return format(buffer, capacity, "page fault on cpu %u: %s of unmapped address 0x%lx", c.cpu,
            access_verb(error), address);
    case PageFaultKind::Other:
        break;
    }
    return format(buffer, capacity, "page fault on cpu %u: %s of 0x%lx (%s)", c.cpu,
        access_verb(error), address, r.region);
}

} // namespace rota
