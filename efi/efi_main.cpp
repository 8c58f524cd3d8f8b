// The UEFI stage (docs/boot.md): everything rota does while boot services
// exist, in order, ending with ExitBootServices and the jump into the kernel.
// Only this folder includes gnu-efi's headers; the kernel receives a BootInfo.

#include <new>

#include "core/boot_info.h"
#include "core/cpu/stack_sizes.h"
#include "core/cpu/x86.h"
#include "core/lib/assert.h"
#include "core/lib/ucs2.h"
#include "core/log/log.h"
#include "efi/acpi_rsdp.h"
#include "efi/config_source.h"
#include "efi/configuration_table.h"
#include "efi/gop.h"
#include "efi/memory_map.h"
#include "efi/mp_services.h"
#include "efi/runtime.h"
#include "efi/uefi.h"

extern "C" void enter_kernel(
    uint64_t stack_top, void (*entry)(const rota::BootInfo&), const rota::BootInfo* info);

namespace rota::efi {

namespace {

constexpr UINTN memory_map_slack = 32; // descriptors of headroom for the final map
constexpr uint32_t max_exit_attempts = 8;

// EFI_MEMORY_ATTRIBUTES_TABLE_GUID (UEFI 2.10, 4.6.4); gnu-efi does not define it.
constexpr EFI_GUID memory_attributes_table_guid
    = {0xdcfa911d, 0x26eb, 0x469f, {0xa2, 0x20, 0x38, 0xb7, 0xdc, 0x46, 0x12, 0x20}};

// Boot services, until ExitBootServices; null afterwards so that nothing can
// call them by mistake.
constinit EFI_BOOT_SERVICES* g_boot_services = nullptr;

bool system_table_valid(EFI_SYSTEM_TABLE* st)
{
    return st != nullptr && st->Hdr.Signature == EFI_SYSTEM_TABLE_SIGNATURE
        && st->Hdr.Revision >= revision(2, 0) && st->BootServices != nullptr
        && st->BootServices->Hdr.Signature == EFI_BOOT_SERVICES_SIGNATURE
        && st->RuntimeServices != nullptr
        && st->RuntimeServices->Hdr.Signature == EFI_RUNTIME_SERVICES_SIGNATURE;
}

// Records loader data the kernel keeps for good (BootInfo::kept): whatever is
// not listed there is given back to the page allocator once the kernel runs on
// its own page tables.
void keep(BootInfo& info, EFI_PHYSICAL_ADDRESS base, UINTN pages)
{
    ROTA_ASSERT(info.kept_count < max_kept_allocations);
    info.kept[info.kept_count++] = PhysRange {PhysAddr(base), pages};
}

EFI_STATUS allocate_pages(
    BootInfo& info, UINTN pages, EFI_ALLOCATE_TYPE type, EFI_PHYSICAL_ADDRESS& address)
{
    EFI_STATUS status = g_boot_services->AllocatePages(type, EfiLoaderData, pages, &address);
    if (!EFI_ERROR(status))
        keep(info, address, pages);
    return status;
}

// A stack of `pages` with one more page below it for its guard (the kernel's
// page tables leave the guard unmapped); invalid on failure.
StackRegion allocate_stack(BootInfo& info, UINTN pages)
{
    EFI_PHYSICAL_ADDRESS address = 0;
    if (EFI_ERROR(allocate_pages(info, pages + 1, AllocateAnyPages, address)))
        return {};
    return StackRegion {address + EFI_PAGE_SIZE, address + (pages + 1) * EFI_PAGE_SIZE};
}

void print_identity(EFI_SYSTEM_TABLE* st, BootInfo& info)
{
    ucs2_to_ascii_lossy(reinterpret_cast<const uint16_t*>(st->FirmwareVendor), 63,
        info.firmware_vendor, sizeof info.firmware_vendor);
    info.firmware_revision = st->FirmwareRevision;
    info.uefi_revision = st->Hdr.Revision;
    info.firmware_cpus = count_enabled_processors(g_boot_services);
    klog("[boot] rota %s firmware=\"%s\" uefi=%u.%02u cpus=%u", ROTA_VERSION, info.firmware_vendor,
        info.uefi_revision >> 16, info.uefi_revision & 0xffff, info.firmware_cpus);
}

EFI_STATUS run(EFI_HANDLE image_handle, EFI_SYSTEM_TABLE* st)
{
    uint64_t tsc_at_entry = x86::rdtsc();
    if (!system_table_valid(st))
        return EFI_INCOMPATIBLE_VERSION;
    g_boot_services = st->BootServices;
    bool serial = log_init_serial();

    EFI_PHYSICAL_ADDRESS info_page = 0;
    if (EFI_ERROR(g_boot_services->AllocatePages(AllocateAnyPages, EfiLoaderData, 1, &info_page)))
        return EFI_OUT_OF_RESOURCES;
    static_assert(sizeof(BootInfo) <= EFI_PAGE_SIZE);
    auto* info = new (reinterpret_cast<void*>(info_page)) BootInfo();
    keep(*info, info_page, 1);
    info->tsc_at_entry = tsc_at_entry;
    info->serial_present = serial;
    print_identity(st, *info);

    EFI_GUID loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
    EFI_LOADED_IMAGE* image = nullptr;
    if (EFI_ERROR(g_boot_services->HandleProtocol(
            image_handle, &loaded_image_guid, reinterpret_cast<void**>(&image)))) {
        klog("[panic] the firmware has no EFI_LOADED_IMAGE_PROTOCOL for rota");
        return EFI_LOAD_ERROR;
    }
    info->image_base = PhysAddr(reinterpret_cast<uint64_t>(image->ImageBase));
    info->image_size = image->ImageSize;
    klog("[boot] image base=0x%lx size=%lu", info->image_base.get(), info->image_size);

    load_configuration(g_boot_services, image, info->config);
    char description[256];
    describe_config(info->config, description, sizeof description);
    klog("%s", description);

    info->gop = capture_gop(g_boot_services, st->ConsoleOutHandle, info->config);

    auto rsdp = find_acpi_rsdp(st);
    info->acpi_rsdp = rsdp.address;
    info->acpi_rsdp_v2 = rsdp.version2;
    if (rsdp.address.is_null())
        klog("[boot] acpi rsdp=none");
    else
        klog(
            "[boot] acpi rsdp=0x%lx version=%s", rsdp.address.get(), rsdp.version2 ? "2.0" : "1.0");

    info->memory_attributes_table = find_configuration_table(st, memory_attributes_table_guid);

    // The AP start-up code must sit in a page below 1 MiB: a SIPI vector names
    // a real-mode page (Intel SDM vol. 3, 9.4.4.1). Its data gets the next page,
    // so that the code page can be read-only and executable and the data page
    // writable and not executable.
    EFI_PHYSICAL_ADDRESS trampoline = 0xfffff;
    if (EFI_ERROR(allocate_pages(*info, 2, AllocateMaxAddress, trampoline))) {
        klog("[boot] no free pages below 1 MiB: only the boot CPU will run");
        trampoline = 0;
    }
    info->trampoline_page = PhysAddr(trampoline);
    klog("[boot] trampoline=0x%lx", trampoline);

    info->kernel_stack = allocate_stack(*info, kernel_stack_pages);
    bool stacks = info->kernel_stack.valid();
    for (auto& stack : info->ist_stacks) {
        stack = allocate_stack(*info, ist_stack_pages);
        stacks = stacks && stack.valid();
    }
    if (!stacks) {
        klog("[panic] cannot allocate the kernel's stacks");
        return EFI_OUT_OF_RESOURCES;
    }

    MemoryMapBuffer map;
    EFI_STATUS status = allocate_memory_map(g_boot_services, map, memory_map_slack);
    if (EFI_ERROR(status)) {
        klog("[panic] cannot allocate the memory map buffer (status 0x%lx)", status);
        return status;
    }
    keep(*info, reinterpret_cast<EFI_PHYSICAL_ADDRESS>(map.buffer), map.capacity / EFI_PAGE_SIZE);

    runtime_init(st->RuntimeServices);
    log_flush();
    ExitResult exit = exit_boot_services(g_boot_services, image_handle, map, max_exit_attempts);
    if (EFI_ERROR(exit.status)) {
        // Boot services may be partly shut down: the UART is all that is left.
        panic_log(
            "[panic] ExitBootServices failed status=0x%lx attempts=%u", exit.status, exit.attempts);
        panic_log("[panic] halted");
        x86::halt_forever();
    }
    g_boot_services = nullptr;

    info->exit_boot_services_attempts = exit.attempts;
    info->memory_map = map.buffer;
    info->memory_map_size = map.size;
    info->memory_descriptor_size = map.descriptor_size;
    info->memory_descriptor_version = map.descriptor_version;
    info->magic = BootInfo::expected_magic;
    enter_kernel(info->kernel_stack.top, kernel_main, info);
    __builtin_unreachable();
}

} // namespace

} // namespace rota::efi

// Called by gnu-efi's crt0 after it has applied the image's relocations.
extern "C" __attribute__((visibility("default"))) EFI_STATUS efi_main(
    EFI_HANDLE image, EFI_SYSTEM_TABLE* system_table)
{
    return rota::efi::run(image, system_table);
}
