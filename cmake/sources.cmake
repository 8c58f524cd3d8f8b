# Which source goes into which world. STYLE.md: pure logic compiles twice, into
# the freestanding kernel and into the hosted GoogleTest binary, from the same
# files; kernel-only code touches hardware or kernel globals; efi/ is the only
# code that includes gnu-efi headers and runs while boot services exist.

# Pure logic: no hardware access, no kernel globals. Compiled into both worlds.
set(ROTA_PURE_SOURCES
    core/acpi/acpi_tables.cpp
    core/acpi/fadt.cpp
    core/acpi/madt.cpp
    core/acpi/mcfg.cpp
    core/acpi/rsdp.cpp
    core/acpi/table_directory.cpp
    core/cpu/stack_walk.cpp
    core/lib/format.cpp
    core/lib/ucs2.cpp
    core/time/tsc_math.cpp
    gfx/damage.cpp
    gfx/edid.cpp
    gfx/frame_stats.cpp
    gfx/pixel_format.cpp
    gfx/test_scene.cpp
    gfx/canvas_disc.cpp
    gfx/canvas_polygon.cpp
    gfx/canvas_rect.cpp
    gfx/font/rota8x16.cpp
    gfx/text.cpp
    gfx/text_atlas.cpp
    gfx/text_smooth.cpp
    virtio/gpu/commands.cpp
    core/config.cpp
    core/mem/memory_map.cpp
    core/mem/page_allocator.cpp
    core/mem/heap.cpp
    virtio/device_init.cpp
    virtio/perf_line.cpp
    virtio/queue/virtqueue.cpp
    virtio/transport/pci_capability.cpp
    virtio/transport/pci_transport.cpp
    core/pci/bar_probe.cpp
    core/pci/bdf.cpp
    core/pci/capability_walk.cpp
    core/pci/enable.cpp
    core/pci/enumerate.cpp
    core/pci/function_line.cpp
    core/pci/pci_names.cpp
)

# Kernel-only code (after ExitBootServices, or shared with efi/ without gnu-efi).
set(ROTA_KERNEL_SOURCES
    core/acpi/acpi.cpp
    core/acpi/acpi_dump.cpp
    core/acpi/identity_memory.cpp
    core/cpu/exception.cpp
    core/cpu/gdt.cpp
    core/cpu/idt.cpp
    core/cpu/legacy_pic.cpp
    core/cpu/local_apic.cpp
    core/cpu/isr.S
    core/kernel_main.cpp
    core/lib/cxx_runtime.cpp
    core/lib/mem.cpp
    core/log/hexdump.cpp
    core/log/log.cpp
    core/mem/kernel_memory.cpp
    core/panic.cpp
    core/power.cpp
    core/time/clock.cpp
    gfx/frame_loop.cpp
    gfx/gop_display.cpp
    gfx/video.cpp
    virtio/kernel/mmio_transport.cpp
    virtio/kernel/page_dma_allocator.cpp
    virtio/kernel/tsc_poll_clock.cpp
    virtio/kernel/virtio_pci_device.cpp
    virtio/gpu/gpu_device.cpp
    virtio/gpu/gpu_display.cpp
    core/pci/ecam_config_space.cpp
    core/pci/legacy_config_space.cpp
    core/pci/pci.cpp
    smp/ap_start.cpp
    smp/parallel.cpp
    smp/per_cpu.cpp
    smp/selftest.cpp
    smp/trampoline.S
)

# The UEFI stage: the only files that include <efi.h>.
set(ROTA_EFI_SOURCES
    efi/acpi_rsdp.cpp
    efi/config_source.cpp
    efi/efi_main.cpp
    efi/enter_kernel.S
    efi/gop.cpp
    efi/memory_map.cpp
    efi/mp_services.cpp
    efi/runtime.cpp
)
