#include "core/mem/paging.h"

#include <new>
#include <optional>

#include "core/cpu/paging_control.h"
#include "core/cpu/x86.h"
#include "core/log/log.h"
#include "core/mem/kernel_image.h"
#include "core/mem/kernel_memory.h"
#include "core/mem/memory_attributes.h"
#include "core/mem/page_table.h"
#include "core/mem/pat.h"
#include "core/sync/spinlock.h"

namespace rota {

namespace {

// Tables come from the page allocator, identity mapped. All of them below
// 4 GiB: the AP trampoline loads CR3 from 32-bit code.
class KernelTableMemory final : public PageTableMemory {
public:
    constexpr KernelTableMemory() = default;

    Expected<PhysAddr> allocate_table() override
    {
        PhysAddr table = TRY(allocate_pages(1, 1, PhysAddr(1ull << 32)));
        __builtin_memset(reinterpret_cast<void*>(table.get()), 0, page_size);
        return table;
    }
    void free_table(PhysAddr table) override { free_pages(table, 1); }
    uint64_t* entries(PhysAddr table) override { return reinterpret_cast<uint64_t*>(table.get()); }
};

// A T in whole pages from the page allocator, given back when it goes out of
// scope; empty when there were no pages.
template<class T>
class ScratchPages {
public:
    static constexpr size_t pages = (sizeof(T) + page_size - 1) / page_size;

    ScratchPages()
    {
        auto memory = allocate_pages(pages);
        if (memory.has_value()) {
            m_base = *memory;
            m_object = new (reinterpret_cast<void*>(m_base.get())) T();
        }
    }
    ~ScratchPages()
    {
        if (m_object == nullptr)
            return;
        m_object->~T();
        free_pages(m_base, pages);
    }
    ScratchPages(const ScratchPages&) = delete;
    ScratchPages& operator=(const ScratchPages&) = delete;

    explicit operator bool() const { return m_object != nullptr; }
    T* operator->() { return m_object; }
    T& operator*() { return *m_object; }

private:
    PhysAddr m_base;
    T* m_object {nullptr};
};

constinit KernelTableMemory g_table_memory;
constinit std::optional<PageTable> g_table; // Protected by g_lock once APs run.
constinit Spinlock g_lock;
constinit bool g_aps_started = false;

// The memory attributes table's entries, when the firmware published a
// readable one.
std::optional<RawMemoryMap> memory_attributes(const BootInfo& info)
{
    if (info.memory_attributes_table.is_null())
        return std::nullopt;
    const auto* table = reinterpret_cast<const uint8_t*>(info.memory_attributes_table.get());
    auto size = memory_attributes_size(table);
    auto entries = size.is_error() ? Expected<RawMemoryMap>(make_error(size.error()))
                                   : memory_attributes_entries(table, *size);
    if (entries.is_error()) {
        klog("[paging] memory attributes table at 0x%lx ignored: %s",
            info.memory_attributes_table.get(), error_name(entries.error()));
        return std::nullopt;
    }
    return *entries;
}

std::optional<DeviceRange> framebuffer(const GopFramebuffer& gop)
{
    bool linear = gop.format != PixelFormat::None && gop.format != PixelFormat::BltOnly;
    if (!linear || gop.base.is_null() || gop.size == 0)
        return std::nullopt;
    return DeviceRange {gop.base, gop.size};
}

// What the running kernel cannot do without, checked on the new tables before
// they are loaded: a mistake here would be a triple fault, not a report.
bool maps_the_running_kernel(const PageTable& table, const BootInfo& info)
{
    auto here = table.translate(VirtAddr(reinterpret_cast<uint64_t>(&maps_the_running_kernel)));
    uint64_t rsp;
    asm volatile("mov %%rsp, %0" : "=r"(rsp));
    auto stack = table.translate(VirtAddr(rsp));
    auto data = table.translate(VirtAddr(reinterpret_cast<uint64_t>(&g_table)));
    auto boot_info = table.translate(VirtAddr(reinterpret_cast<uint64_t>(&info)));
    auto root = table.translate(VirtAddr(table.root().get()));
    return here && is_executable(here->attributes.access) && stack
        && is_writable(stack->attributes.access) && data && is_writable(data->attributes.access)
        && boot_info && root && is_writable(root->attributes.access);
}

Expected<void> fail(Error error, const char* why)
{
    klog("[paging] %s: staying on the firmware's page tables (%s)", why, error_name(error));
    return make_error(error);
}

} // namespace

Expected<void> paging_init(const BootInfo& info, std::span<const DeviceRange> devices)
{
    PagingSupport support = cpu_paging_support();
    if (!support.no_execute || !support.pat)
        return fail(
            Error::Unsupported, support.no_execute ? "the CPU has no PAT" : "the CPU has no NX");

    StackRegion stacks[1 + ist::count];
    stacks[0] = info.kernel_stack;
    for (size_t i = 0; i < ist::count; ++i)
        stacks[1 + i] = info.ist_stacks[i];
    AddressSpaceInputs inputs {
        .memory_map = {info.memory_map, info.memory_map_size, info.memory_descriptor_size},
        .memory_attributes = memory_attributes(info),
        .image = kernel_image_layout(info.image_base, info.image_size),
        .devices = devices,
        .framebuffer = framebuffer(info.gop),
        .stacks = stacks,
    };

    // The plan and its runs (some 80 KiB) only while the tables are built.
    ScratchPages<AddressSpacePlan> plan;
    ScratchPages<AddressSpacePlan::Flat> flat;
    if (!plan || !flat)
        return fail(Error::OutOfMemory, "no memory for the plan");
    auto summary = plan_address_space(inputs, *plan);
    if (summary.is_error())
        return fail(summary.error(), "cannot plan the address space");
    plan->flatten(*flat);
    size_t layers = plan->layers().size();

    auto created = PageTable::create(g_table_memory, {.gigabyte_pages = support.gigabyte_pages});
    if (created.is_error())
        return fail(created.error(), "no memory for page tables");
    PageTable table = created.release_value();
    uint64_t rwx_pages = 0, dropped_pages = 0;
    Expected<void> built {};
    for (const PlannedRun& run : flat->view()) {
        // Nothing rota needs lives above the lower half; a firmware that puts
        // memory there gets it left out, and said so.
        uint64_t end = run.end < PageTable::address_limit ? run.end : PageTable::address_limit;
        if (run.start >= end) {
            dropped_pages += (run.end - run.start) / page_size;
            continue;
        }
        dropped_pages += (run.end - end) / page_size;
        if (run.attributes.access == Access::ReadWriteExecute)
            rwx_pages += (end - run.start) / page_size;
        built
            = table.map(VirtAddr(run.start), PhysAddr(run.start), end - run.start, run.attributes);
        if (built.is_error())
            break;
    }
    size_t runs = flat->count;
    if (built.is_error() || !maps_the_running_kernel(table, info)) {
        table.release_all();
        if (built.is_error())
            return fail(built.error(), "cannot build the page tables");
        return fail(Error::InvalidArgument, "the plan does not map the running kernel");
    }

    // Entries 0-3 of the PAT keep their meaning, so the firmware's tables stay
    // valid until CR3 changes; NXE before CR3, or bit 63 would be reserved.
    cpu_program_pat();
    cpu_enable_no_execute();
    cpu_load_page_tables(table.root());
    g_table.emplace(table);

    PageTableStats stats = table.stats();
    klog("[paging] on rota's page tables root=0x%lx layers=%zu runs=%zu tables=%lu pages_4k=%lu "
         "pages_2m=%lu pages_1g=%lu rwx_kib=%lu unmapped_above_128t_kib=%lu "
         "memory_attributes=%s nx=on wp=on pat=0x%016lx",
        table.root().get(), layers, runs, stats.tables, stats.pages_4k, stats.pages_2m,
        stats.pages_1g, rwx_pages * page_size >> 10, dropped_pages * page_size >> 10,
        inputs.memory_attributes ? "used" : "none", pat::msr_value());
    if (summary->firmware.attribute_entries_ignored > 0 || summary->devices_ignored > 0)
        klog("[paging] ignored attribute_entries=%zu devices=%zu",
            summary->firmware.attribute_entries_ignored, summary->devices_ignored);
    return {};
}

bool paging_active()
{
    return g_table.has_value();
}

Expected<void> paging_map_device(PhysAddr base, uint64_t bytes)
{
    if (!g_table)
        return {}; // the firmware's tables map every MMIO range already
    uint64_t start = align_down(base.get(), page_size);
    if (bytes == 0 || base.get() > UINT64_MAX - bytes)
        return make_error(Error::InvalidArgument);
    uint64_t end = align_up(base.get() + bytes, page_size);
    if (end > PageTable::address_limit || end < start)
        return make_error(Error::Unsupported);
    SpinlockGuard guard(g_lock);
    return g_table->map(VirtAddr(start), PhysAddr(start), end - start,
        PageAttributes {Access::ReadWrite, MemoryType::Uncached}, Overlap::KeepExisting);
}

Expected<void> paging_seal_code(PhysAddr base, size_t pages)
{
    ROTA_ASSERT(!g_aps_started);
    if (!g_table)
        return {};
    TRY(g_table->map(VirtAddr(base.get()), base, pages * page_size,
        PageAttributes {Access::ReadExecute, MemoryType::WriteBack}));
    for (size_t i = 0; i < pages; ++i)
        x86::invlpg(base.get() + i * page_size);
    return {};
}

Expected<void> paging_unmap_guard(PhysAddr page)
{
    ROTA_ASSERT(!g_aps_started);
    if (!g_table)
        return {};
    TRY(g_table->unmap(VirtAddr(page.get()), page_size));
    x86::invlpg(page.get());
    return {};
}

void paging_aps_starting()
{
    g_aps_started = true;
}

void paging_init_ap()
{
    if (g_table)
        cpu_program_pat();
}

} // namespace rota
