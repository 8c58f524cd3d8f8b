#include "core/mem/memory_map.h"

#include <algorithm>
#include <optional>

// The firmware's map is input, not an invariant: descriptors may come in any
// order (UEFI 2.10 section 7.2.3 promises none), overlap, carry page counts that
// run past the end of the address space, or use types from a newer spec. All of
// that is handled here and nothing is asserted.
//
// The map is read in place, without a sorted copy (there is no heap yet): a
// sweep walks the address space from boundary to boundary, and at each step asks
// every descriptor whether it covers the current address. Maps have a few
// hundred entries, so the quadratic cost is well under a millisecond, once.

namespace rota {

namespace {

// x86-64 physical addresses have at most 52 bits (Intel SDM vol. 3A, 4.1.4,
// MAXPHYADDR). A usable range beyond them is a broken descriptor.
constexpr uint64_t physical_limit = 1ull << 52;

enum class Kind { Ignored, Usable, Blocking };

// A descriptor as the sweep sees it: a page-aligned [start, end) below
// physical_limit. Usable ranges are aligned inward (never hand out a partial
// page), blocking ones outward (never hand out a page they touch).
struct Interval {
    Kind kind;
    uint64_t start;
    uint64_t end;
};

bool is_usable_type(uint32_t type, uint64_t attribute, const UsablePolicy& policy)
{
    if ((attribute & efi_memory_specific_purpose) != 0)
        return false;
    switch (static_cast<EfiMemoryType>(type)) {
    case EfiMemoryType::Conventional:
        return policy.conventional;
    case EfiMemoryType::BootServicesCode:
    case EfiMemoryType::BootServicesData:
        return policy.reclaim_boot_services;
    case EfiMemoryType::LoaderData:
        return policy.reclaim_loader_data;
    default:
        // Everything else, including types this code does not know, stays out.
        return false;
    }
}

// The byte length of `pages` pages, or nothing when it does not fit below the
// physical limit.
std::optional<uint64_t> pages_to_bytes(uint64_t pages)
{
    if (pages > physical_limit / page_size)
        return std::nullopt;
    return pages * page_size;
}

// A usable descriptor that runs past the physical limit: malformed, ignored.
bool is_rejected(const EfiMemoryDescriptor& descriptor, const UsablePolicy& policy)
{
    if (!is_usable_type(descriptor.type, descriptor.attribute, policy)
        || descriptor.number_of_pages == 0)
        return false;
    std::optional<uint64_t> bytes = pages_to_bytes(descriptor.number_of_pages);
    return !bytes.has_value() || descriptor.physical_start > physical_limit - *bytes;
}

Interval classify(const EfiMemoryDescriptor& descriptor, const UsablePolicy& policy)
{
    constexpr Interval ignored {Kind::Ignored, 0, 0};
    uint64_t start = descriptor.physical_start;
    if (descriptor.number_of_pages == 0 || start >= physical_limit)
        return ignored;
    std::optional<uint64_t> bytes = pages_to_bytes(descriptor.number_of_pages);

    if (is_usable_type(descriptor.type, descriptor.attribute, policy)) {
        if (is_rejected(descriptor, policy))
            return ignored;
        uint64_t first = align_up(start, page_size);
        uint64_t last = align_down(start + *bytes, page_size);
        if (first >= last)
            return ignored;
        return {Kind::Usable, first, last};
    }

    // A blocking range that overflows is clamped, not dropped: better to lose
    // memory than to hand out a page the firmware still uses.
    uint64_t end
        = bytes.has_value() && start <= physical_limit - *bytes ? start + *bytes : physical_limit;
    return {Kind::Blocking, align_down(start, page_size),
        std::min(align_up(end, page_size), physical_limit)};
}

// Collects ranges in address order, keeping the largest when there are too many.
class RangeCollector {
public:
    explicit RangeCollector(UsableMemory& out)
        : m_out(out)
    {
    }

    void add(uint64_t start, uint64_t end)
    {
        FreeRange range {PhysAddr(start), (end - start) / page_size};
        if (m_out.count < m_out.ranges.size()) {
            m_out.ranges[m_out.count++] = range;
            return;
        }
        ++m_out.dropped;
        FreeRange* smallest = std::min_element(m_out.ranges.begin(), m_out.ranges.end(),
            [](const FreeRange& a, const FreeRange& b) { return a.pages < b.pages; });
        if (smallest->pages < range.pages) {
            *smallest = range;
            m_out_of_order = true;
        }
    }

    void finish()
    {
        if (m_out_of_order) {
            std::sort(m_out.ranges.begin(),
                m_out.ranges.begin() + static_cast<ptrdiff_t>(m_out.count),
                [](const FreeRange& a, const FreeRange& b) { return a.base < b.base; });
        }
        m_out.total_pages = 0;
        for (size_t i = 0; i < m_out.count; ++i)
            m_out.total_pages += m_out.ranges[i].pages;
    }

private:
    UsableMemory& m_out;
    bool m_out_of_order {false};
};

} // namespace

Expected<size_t> count_descriptors(RawMemoryMap map)
{
    if (map.descriptor_size < sizeof(EfiMemoryDescriptor))
        return make_error(Error::InvalidArgument);
    if (map.buffer == nullptr && map.size != 0)
        return make_error(Error::InvalidArgument);
    return map.size / map.descriptor_size;
}

EfiMemoryDescriptor read_descriptor(RawMemoryMap map, size_t index)
{
    EfiMemoryDescriptor descriptor;
    __builtin_memcpy(&descriptor, map.buffer + index * map.descriptor_size, sizeof descriptor);
    return descriptor;
}

Expected<UsableMemory> find_usable_memory(RawMemoryMap map, UsablePolicy policy)
{
    size_t count = TRY(count_descriptors(map));

    UsableMemory usable {};
    for (size_t i = 0; i < count; ++i) {
        if (is_rejected(read_descriptor(map, i), policy))
            ++usable.rejected;
    }

    RangeCollector collector(usable);
    // The usable range being grown, [run_start, run_end); empty when equal.
    uint64_t run_start = 0;
    uint64_t run_end = 0;
    // (Compared before aligning, which would wrap around for an absurd value.)
    uint64_t position = policy.lowest_address >= physical_limit
        ? physical_limit
        : align_up(policy.lowest_address, page_size);

    while (position < physical_limit) {
        // [position, next) is covered by the same descriptors throughout.
        uint64_t next = physical_limit;
        bool covered_usable = false;
        bool covered_blocking = false;
        for (size_t i = 0; i < count; ++i) {
            Interval interval = classify(read_descriptor(map, i), policy);
            if (interval.kind == Kind::Ignored || interval.end <= position)
                continue;
            if (interval.start > position) {
                next = std::min(next, interval.start);
                continue;
            }
            next = std::min(next, interval.end);
            if (interval.kind == Kind::Usable)
                covered_usable = true;
            else
                covered_blocking = true;
        }
        for (const PhysRange& kept : policy.keep) {
            // Outward to whole pages, like a blocking descriptor.
            uint64_t start = align_down(kept.start(), page_size);
            uint64_t end
                = start >= physical_limit || kept.pages > (physical_limit - start) / page_size
                ? physical_limit
                : align_up(kept.end(), page_size);
            if (kept.pages == 0 || start >= physical_limit || end <= position)
                continue;
            if (start > position) {
                next = std::min(next, start);
                continue;
            }
            next = std::min(next, end);
            covered_blocking = true;
        }

        if (covered_usable && !covered_blocking) {
            if (run_end != position)
                run_start = position;
            run_end = next;
        } else if (run_start != run_end) {
            collector.add(run_start, run_end);
            run_start = run_end = 0;
        }
        position = next;
    }
    if (run_start != run_end)
        collector.add(run_start, run_end);
    collector.finish();

    if (usable.count == 0)
        return make_error(Error::NotFound);
    return usable;
}

} // namespace rota
