#include "core/mem/kernel_address_space.h"

namespace rota {

namespace {

constexpr PageAttributes device_memory {Access::ReadWrite, MemoryType::Uncached};
constexpr PageAttributes framebuffer_memory {Access::ReadWrite, MemoryType::WriteCombining};
constexpr PageAttributes kernel_read_only {Access::ReadOnly, MemoryType::WriteBack};
constexpr PageAttributes kernel_text {Access::ReadExecute, MemoryType::WriteBack};
constexpr PageAttributes kernel_data {Access::ReadWrite, MemoryType::WriteBack};

bool is_page_aligned(uint64_t value)
{
    return value % page_size == 0;
}

// [base, base + bytes) when it is not empty and does not wrap.
std::optional<std::pair<uint64_t, uint64_t>> extent(const DeviceRange& range)
{
    if (range.bytes == 0 || range.base.get() > UINT64_MAX - range.bytes)
        return std::nullopt;
    return std::pair {range.base.get(), range.base.get() + range.bytes};
}

} // namespace

bool KernelImageLayout::valid() const
{
    uint64_t edges[]
        = {base, text_start, text_end, rodata_start, rodata_end, data_start, data_end, end};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; ++i) {
        if (!is_page_aligned(edges[i]) || (i > 0 && edges[i] < edges[i - 1]))
            return false;
    }
    return text_start < text_end && data_start < data_end;
}

Expected<AddressSpaceSummary> plan_address_space(
    const AddressSpaceInputs& in, AddressSpacePlan& plan)
{
    if (!in.image.valid())
        return make_error(Error::InvalidArgument);
    AddressSpaceSummary summary;

    for (const DeviceRange& device : in.devices) {
        auto range = extent(device);
        if (!range) {
            ++summary.devices_ignored;
            continue;
        }
        TRY(plan.map(range->first, range->second, device_memory, RegionSource::Device));
    }
    TRY(add_ram_layers(plan, in.memory_map, summary.firmware));
    TRY(add_runtime_layers(plan, in.memory_map, in.memory_attributes, summary.firmware));

    if (in.framebuffer) {
        auto range = extent(*in.framebuffer);
        if (range)
            TRY(plan.map(
                range->first, range->second, framebuffer_memory, RegionSource::Framebuffer));
        else
            ++summary.devices_ignored;
    }

    const KernelImageLayout& image = in.image;
    TRY(plan.map(image.base, image.end, kernel_read_only, RegionSource::KernelImage));
    TRY(plan.map(image.text_start, image.text_end, kernel_text, RegionSource::KernelText));
    if (image.rodata_start < image.rodata_end)
        TRY(plan.map(
            image.rodata_start, image.rodata_end, kernel_read_only, RegionSource::KernelReadOnly));
    TRY(plan.map(image.data_start, image.data_end, kernel_data, RegionSource::KernelData));

    for (const StackRegion& stack : in.stacks) {
        if (stack.valid())
            TRY(plan.unmap(stack.guard_page(), stack.bottom, RegionSource::StackGuard));
    }
    // Nothing lives at address 0: a null pointer's access faults.
    TRY(plan.unmap(0, page_size, RegionSource::NullPage));
    return summary;
}

} // namespace rota
