#include "core/mem/address_space_plan.h"

#include <algorithm>

#include "core/lib/addr.h"

namespace rota {

const char* region_source_name(RegionSource source)
{
    switch (source) {
    case RegionSource::Device:
        return "device";
    case RegionSource::Ram:
        return "ram";
    case RegionSource::FirmwareRuntime:
        return "firmware-runtime";
    case RegionSource::FirmwareAttributes:
        return "firmware-attributes";
    case RegionSource::Framebuffer:
        return "framebuffer";
    case RegionSource::KernelImage:
        return "kernel-image";
    case RegionSource::KernelText:
        return "kernel-text";
    case RegionSource::KernelReadOnly:
        return "kernel-rodata";
    case RegionSource::KernelData:
        return "kernel-data";
    case RegionSource::StackGuard:
        return "stack-guard";
    case RegionSource::NullPage:
        return "null-page";
    }
    return "unknown";
}

Expected<void> AddressSpacePlan::add(PlanLayer layer)
{
    // Widen to whole pages; an end that would wrap is clamped to the last page.
    uint64_t start = align_down(layer.start, page_size);
    uint64_t end = layer.end > UINT64_MAX - (page_size - 1) ? align_down(UINT64_MAX, page_size)
                                                            : align_up(layer.end, page_size);
    if (layer.end <= layer.start || end <= start)
        return make_error(Error::InvalidArgument);
    if (m_count == max_layers)
        return make_error(Error::OutOfMemory);
    layer.start = start;
    layer.end = end;
    m_layers[m_count++] = layer;
    return {};
}

Expected<void> AddressSpacePlan::map(
    uint64_t start, uint64_t end, PageAttributes attributes, RegionSource source)
{
    return add(PlanLayer {start, end, attributes, source});
}

Expected<void> AddressSpacePlan::unmap(uint64_t start, uint64_t end, RegionSource source)
{
    return add(PlanLayer {start, end, std::nullopt, source});
}

const PlanLayer* AddressSpacePlan::layer_at(uint64_t address) const
{
    for (size_t i = m_count; i-- > 0;) {
        if (address >= m_layers[i].start && address < m_layers[i].end)
            return &m_layers[i];
    }
    return nullptr;
}

// Between two neighbouring edges every address is covered by the same layers,
// so one lookup per interval decides it. A few hundred layers make this a few
// hundred thousand comparisons, once per boot.
void AddressSpacePlan::flatten(Flat& out) const
{
    out.count = 0;
    size_t edges = 0;
    for (size_t i = 0; i < m_count; ++i) {
        m_edges[edges++] = m_layers[i].start;
        m_edges[edges++] = m_layers[i].end;
    }
    std::sort(m_edges.begin(), m_edges.begin() + static_cast<ptrdiff_t>(edges));
    auto* last = std::unique(m_edges.begin(), m_edges.begin() + static_cast<ptrdiff_t>(edges));
    edges = static_cast<size_t>(last - m_edges.begin());

    for (size_t i = 0; i + 1 < edges; ++i) {
        uint64_t start = m_edges[i];
        uint64_t end = m_edges[i + 1];
        const PlanLayer* layer = layer_at(start);
        if (layer == nullptr || !layer->attributes)
            continue;
        if (out.count > 0) {
            PlannedRun& previous = out.runs[out.count - 1];
            if (previous.end == start && previous.attributes == *layer->attributes) {
                previous.end = end;
                continue;
            }
        }
        // Edges are fewer than max_runs, so there is always room.
        out.runs[out.count++] = PlannedRun {start, end, *layer->attributes};
    }
}

} // namespace rota
