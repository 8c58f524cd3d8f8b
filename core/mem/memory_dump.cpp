#include "core/mem/memory_dump.h"

#include "core/log/hexdump.h"
#include "core/log/log.h"
#include "core/mem/kernel_image.h"
#include "core/mem/memory_attributes.h"

namespace rota {

void dump_memory_map(const BootInfo& info)
{
    klog("[mem] dump label=memory-map descriptor_size=%zu version=%u length=%zu",
        info.memory_descriptor_size, info.memory_descriptor_version, info.memory_map_size);
    log_hexdump("memory-map", info.memory_map, info.memory_map_size);

    for (size_t i = 0; i < info.kept_count; ++i)
        klog("[mem] dump kept base=0x%lx pages=%lu", info.kept[i].base.get(), info.kept[i].pages);
    KernelImageLayout image = kernel_image_layout(info.image_base, info.image_size);
    klog("[mem] dump image base=0x%lx end=0x%lx text=0x%lx-0x%lx rodata=0x%lx-0x%lx "
         "data=0x%lx-0x%lx",
        image.base, image.end, image.text_start, image.text_end, image.rodata_start,
        image.rodata_end, image.data_start, image.data_end);
    klog(
        "[mem] dump stack bottom=0x%lx top=0x%lx", info.kernel_stack.bottom, info.kernel_stack.top);
    for (const StackRegion& stack : info.ist_stacks)
        klog("[mem] dump stack bottom=0x%lx top=0x%lx", stack.bottom, stack.top);

    if (info.memory_attributes_table.is_null()) {
        klog("[mem] dump memory-attributes none");
        return;
    }
    const auto* table = reinterpret_cast<const uint8_t*>(info.memory_attributes_table.get());
    auto size = memory_attributes_size(table);
    if (size.is_error()) {
        klog("[mem] dump memory-attributes at 0x%lx unreadable: %s",
            info.memory_attributes_table.get(), error_name(size.error()));
        return;
    }
    klog("[mem] dump label=memory-attributes address=0x%lx length=%zu",
        info.memory_attributes_table.get(), *size);
    log_hexdump("memory-attributes", table, *size);
}

} // namespace rota
