#pragma once

#include <cstddef>
#include <cstdint>

#include "core/config/config.h"
#include "core/cpu/gdt.h"
#include "core/lib/addr.h"
#include "core/mem/phys_range.h"
#include "core/mem/stack_region.h"

// Everything the UEFI stage (efi/) learned while boot services existed, handed
// to the kernel in one plain struct. Nothing in it points at boot-services
// memory: the memory map, stacks and this struct itself are EfiLoaderData, and
// `kept` lists every such page, so that the kernel can give back the rest.

namespace rota {

enum class PixelFormat : uint8_t {
    None, // no GOP at all
    Bgrx, // PixelBlueGreenRedReserved8BitPerColor
    Rgbx, // PixelRedGreenBlueReserved8BitPerColor
    Bitmask, // PixelBitMask: see the masks
    BltOnly, // no linear framebuffer: unusable once boot services are gone
};

constexpr const char* pixel_format_name(PixelFormat format)
{
    switch (format) {
    case PixelFormat::None:
        return "none";
    case PixelFormat::Bgrx:
        return "bgrx";
    case PixelFormat::Rgbx:
        return "rgbx";
    case PixelFormat::Bitmask:
        return "bitmask";
    case PixelFormat::BltOnly:
        return "blt-only";
    }
    return "unknown";
}

struct GopFramebuffer {
    PixelFormat format {PixelFormat::None};
    uint32_t width {0};
    uint32_t height {0};
    uint32_t pixels_per_scanline {0};
    PhysAddr base;
    uint64_t size {0};
    uint32_t red_mask {0}, green_mask {0}, blue_mask {0}, reserved_mask {0};
};

inline constexpr size_t max_kept_allocations = 16;

struct BootInfo {
    static constexpr uint64_t expected_magic = 0x6f666e69746f6f62ull; // "bootinfo"
    uint64_t magic {0};

    uint64_t tsc_at_entry {0};
    char firmware_vendor[64] {};
    uint32_t firmware_revision {0};
    uint32_t uefi_revision {0};
    uint32_t firmware_cpus {0}; // enabled processors per EFI_MP_SERVICES, 0 if unknown

    PhysAddr image_base;
    uint64_t image_size {0};
    bool serial_present {false};

    Config config;

    GopFramebuffer gop;

    PhysAddr acpi_rsdp; // null when the firmware published none
    bool acpi_rsdp_v2 {false};
    // EFI_MEMORY_ATTRIBUTES_TABLE (UEFI 2.10, 4.6.4); null when there is none.
    PhysAddr memory_attributes_table;

    // Two pages below 1 MiB for the AP start-up code (the first) and its data
    // (the second); null if there were none.
    PhysAddr trampoline_page;

    // The boot CPU's kernel stack and its IST stacks (in ist:: slot order), each
    // with its guard page.
    StackRegion kernel_stack;
    StackRegion ist_stacks[ist::count];

    // Loader data the kernel keeps: everything efi/ allocated above.
    PhysRange kept[max_kept_allocations];
    size_t kept_count {0};

    // The final memory map, as GetMemoryMap returned it (descriptor_size is the
    // firmware's stride, which may exceed the struct size in the spec).
    const uint8_t* memory_map {nullptr};
    size_t memory_map_size {0};
    size_t memory_descriptor_size {0};
    uint32_t memory_descriptor_version {0};

    uint32_t exit_boot_services_attempts {0};
};

// The kernel's entry point, called by efi/ on the kernel stack after
// ExitBootServices. `info` stays valid forever (it is EfiLoaderData).
[[noreturn]] void kernel_main(const BootInfo& info);

} // namespace rota
