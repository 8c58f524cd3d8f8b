# Which source goes into which world. STYLE.md: pure logic compiles twice, into
# the freestanding kernel and into the hosted GoogleTest binary, from the same
# files; kernel-only code touches hardware or kernel globals; efi/ is the only
# code that includes gnu-efi headers and runs while boot services exist.

# Pure logic: no hardware access, no kernel globals. Compiled into both worlds.
set(ROTA_PURE_SOURCES
    core/cpu/stack_walk.cpp
    core/lib/format.cpp
    core/lib/ucs2.cpp
    core/time/tsc_math.cpp
    gfx/edid.cpp
    core/config.cpp
    core/mem/memory_map.cpp
    core/mem/page_allocator.cpp
    core/mem/heap.cpp
)

# Kernel-only code (after ExitBootServices, or shared with efi/ without gnu-efi).
set(ROTA_KERNEL_SOURCES
    core/cpu/exception.cpp
    core/cpu/gdt.cpp
    core/cpu/idt.cpp
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
