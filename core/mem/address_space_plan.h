#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/lib/expected.h"
#include "core/mem/page_attributes.h"

// What rota's page tables should say, before any table exists: an ordered list
// of layers, each mapping (or unmapping) a physical range at its own address
// with some attributes. A later layer wins where layers overlap, so the plan
// reads like the reasoning behind it: RAM is read-write and no-execute, except
// the kernel's text, which is read-execute, except nothing, and the guard pages
// are not mapped at all. flatten() turns the layers into the disjoint runs that
// the page table is then built from, merging neighbours with equal attributes
// so that large pages can span them.

namespace rota {

// Why a layer is there, for the log and for tests.
enum class RegionSource : uint8_t {
    Device, // MMIO rota drives: ECAM, local APIC, I/O APIC, PCI BARs
    Ram, // the memory map's RAM
    FirmwareRuntime, // a runtime services region of the memory map
    FirmwareAttributes, // an entry of the memory attributes table
    Framebuffer, // the GOP framebuffer
    KernelImage, // the image's headers and tables, read-only
    KernelText,
    KernelReadOnly, // .rodata, .data.rel.ro and the GOT
    KernelData, // .data and .bss
    StackGuard,
    NullPage,
};

const char* region_source_name(RegionSource source);

struct PlanLayer {
    uint64_t start;
    uint64_t end;
    std::optional<PageAttributes> attributes; // empty: not mapped
    RegionSource source;
};

struct PlannedRun {
    uint64_t start;
    uint64_t end;
    PageAttributes attributes;
};

class AddressSpacePlan {
public:
    // More than any machine's memory map and attributes table need together.
    static constexpr size_t max_layers = 1024;
    static constexpr size_t max_runs = 2 * max_layers + 1;

    struct Flat {
        std::array<PlannedRun, max_runs> runs;
        size_t count {0};
        std::span<const PlannedRun> view() const { return {runs.data(), count}; }
    };

    // Adds a layer over [start, end), widened to whole pages. An empty range is
    // Error::InvalidArgument, a full plan Error::OutOfMemory.
    Expected<void> map(
        uint64_t start, uint64_t end, PageAttributes attributes, RegionSource source);
    Expected<void> unmap(uint64_t start, uint64_t end, RegionSource source);

    std::span<const PlanLayer> layers() const { return {m_layers.data(), m_count}; }

    // The layers' outcome: sorted, disjoint runs of mapped pages, neighbours
    // with equal attributes merged; unmapped addresses have no run.
    void flatten(Flat& out) const;

    // The winning layer at `address`, or null where no layer covers it.
    const PlanLayer* layer_at(uint64_t address) const;

private:
    Expected<void> add(PlanLayer layer);

    std::array<PlanLayer, max_layers> m_layers {};
    size_t m_count {0};
    // Scratch for flatten(): every layer's two edges.
    mutable std::array<uint64_t, 2 * max_layers> m_edges {};
};

} // namespace rota
