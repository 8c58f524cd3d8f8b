#include "core/mem/firmware_regions.h"

#include "core/mem/memory_attributes.h"

namespace rota {

namespace {

// Descriptors past this are beyond any physical address (Intel SDM vol. 3A,
// 4.1.4): their end cannot be computed safely and they are not mapped.
constexpr uint64_t physical_limit = 1ull << 52;

bool is_ram_type(uint32_t type)
{
    switch (static_cast<EfiMemoryType>(type)) {
    case EfiMemoryType::LoaderCode:
    case EfiMemoryType::LoaderData:
    case EfiMemoryType::BootServicesCode:
    case EfiMemoryType::BootServicesData:
    case EfiMemoryType::Conventional:
    case EfiMemoryType::AcpiReclaim:
    case EfiMemoryType::AcpiNvs:
    case EfiMemoryType::Persistent:
        return true;
    default:
        return false;
    }
}

bool is_runtime(const EfiMemoryDescriptor& d)
{
    auto type = static_cast<EfiMemoryType>(d.type);
    return (d.attribute & efi_memory_runtime) != 0 || type == EfiMemoryType::RuntimeServicesCode
        || type == EfiMemoryType::RuntimeServicesData;
}

// [start, end) of a descriptor, or nothing when it is empty or runs past the
// physical address limit.
std::optional<std::pair<uint64_t, uint64_t>> extent(const EfiMemoryDescriptor& d)
{
    if (d.number_of_pages == 0 || d.physical_start >= physical_limit
        || d.number_of_pages > (physical_limit - d.physical_start) / page_size)
        return std::nullopt;
    return std::pair {d.physical_start, d.physical_start + d.number_of_pages * page_size};
}

Access runtime_access(const EfiMemoryDescriptor& d)
{
    bool code = static_cast<EfiMemoryType>(d.type) == EfiMemoryType::RuntimeServicesCode;
    bool writable = (d.attribute & efi_memory_ro) == 0;
    bool executable = code && (d.attribute & efi_memory_xp) == 0;
    return access_of(writable, executable);
}

// The runtime descriptor of `map` that holds [start, end) whole, if any.
std::optional<EfiMemoryDescriptor> runtime_region_holding(
    RawMemoryMap map, size_t count, uint64_t start, uint64_t end)
{
    for (size_t i = 0; i < count; ++i) {
        EfiMemoryDescriptor d = read_descriptor(map, i);
        auto range = extent(d);
        if (range && is_runtime(d) && start >= range->first && end <= range->second)
            return d;
    }
    return std::nullopt;
}

} // namespace

MemoryType memory_type_for(uint32_t type, uint64_t attribute)
{
    auto kind = static_cast<EfiMemoryType>(type);
    bool device = !is_ram_type(type) && kind != EfiMemoryType::RuntimeServicesCode
        && kind != EfiMemoryType::RuntimeServicesData;
    if (device) {
        if (attribute & efi_memory_uc)
            return MemoryType::Uncached;
        if (attribute & efi_memory_wc)
            return MemoryType::WriteCombining;
        if (attribute & efi_memory_wt)
            return MemoryType::WriteThrough;
        if (attribute & efi_memory_wb)
            return MemoryType::WriteBack;
        return MemoryType::Uncached;
    }
    if (attribute & efi_memory_wb)
        return MemoryType::WriteBack;
    if (attribute & efi_memory_wt)
        return MemoryType::WriteThrough;
    if (attribute & efi_memory_wc)
        return MemoryType::WriteCombining;
    return MemoryType::Uncached;
}

Expected<void> add_ram_layers(AddressSpacePlan& plan, RawMemoryMap map, FirmwareLayerStats& stats)
{
    size_t count = TRY(count_descriptors(map));
    for (size_t i = 0; i < count; ++i) {
        EfiMemoryDescriptor d = read_descriptor(map, i);
        auto range = extent(d);
        bool ram = range && is_ram_type(d.type) && !is_runtime(d)
            && (d.attribute & efi_memory_specific_purpose) == 0;
        if (!ram) {
            if (!range || !is_runtime(d))
                ++stats.unmapped_descriptors;
            continue;
        }
        PageAttributes attributes {Access::ReadWrite, memory_type_for(d.type, d.attribute)};
        TRY(plan.map(range->first, range->second, attributes, RegionSource::Ram));
        ++stats.ram_layers;
    }
    return {};
}

Expected<void> add_runtime_layers(AddressSpacePlan& plan, RawMemoryMap map,
    std::optional<RawMemoryMap> attributes, FirmwareLayerStats& stats)
{
    size_t count = TRY(count_descriptors(map));
    for (size_t i = 0; i < count; ++i) {
        EfiMemoryDescriptor d = read_descriptor(map, i);
        auto range = extent(d);
        if (!range || !is_runtime(d))
            continue;
        PageAttributes mapped {runtime_access(d), memory_type_for(d.type, d.attribute)};
        TRY(plan.map(range->first, range->second, mapped, RegionSource::FirmwareRuntime));
        ++stats.runtime_layers;
    }
    if (!attributes)
        return {};

    // UEFI 2.10, 4.6.4: each entry is part of a runtime region, with RO for
    // code and XP for data; its cacheability is the region's.
    size_t entries = TRY(count_descriptors(*attributes));
    for (size_t i = 0; i < entries; ++i) {
        EfiMemoryDescriptor entry = read_descriptor(*attributes, i);
        auto range = extent(entry);
        auto region = range ? runtime_region_holding(map, count, range->first, range->second)
                            : std::nullopt;
        if (!region) {
            ++stats.attribute_entries_ignored;
            continue;
        }
        bool writable = (entry.attribute & efi_memory_ro) == 0;
        bool executable = (entry.attribute & efi_memory_xp) == 0
            && static_cast<EfiMemoryType>(region->type) == EfiMemoryType::RuntimeServicesCode;
        PageAttributes mapped {
            access_of(writable, executable), memory_type_for(region->type, region->attribute)};
        TRY(plan.map(range->first, range->second, mapped, RegionSource::FirmwareAttributes));
        ++stats.attribute_entries;
    }
    return {};
}

} // namespace rota
