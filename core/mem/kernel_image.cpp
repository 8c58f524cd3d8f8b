#include "core/mem/kernel_image.h"

extern "C" char __rota_text_start[];
extern "C" char __rota_text_end[];
extern "C" char __rota_rodata_start[];
extern "C" char __rota_rodata_end[];
extern "C" char __rota_data_start[];
extern "C" char __rota_data_end[];

namespace rota {

namespace {

uint64_t address_of(const char* symbol)
{
    return reinterpret_cast<uint64_t>(symbol);
}

} // namespace

KernelImageLayout kernel_image_layout(PhysAddr base, uint64_t size)
{
    return KernelImageLayout {
        .base = base.get(),
        .end = align_up(base.get() + size, page_size),
        .text_start = address_of(__rota_text_start),
        .text_end = address_of(__rota_text_end),
        .rodata_start = address_of(__rota_rodata_start),
        .rodata_end = address_of(__rota_rodata_end),
        .data_start = address_of(__rota_data_start),
        .data_end = address_of(__rota_data_end),
    };
}

} // namespace rota
