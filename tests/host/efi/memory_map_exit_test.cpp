// efi/memory_map.cpp against a fake boot-services table (docs/ARCHITECTURE.md: EFI code
// reaches boot services only through the table pointer, so a test can install
// its own). The fake records every call, so the test can check that nothing
// but GetMemoryMap and ExitBootServices is called once exiting has begun.

#include "efi/memory_map.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace rota::efi;

namespace {

struct FakeFirmware {
    UINTN map_size = 10 * 48;
    UINTN descriptor_size = 48; // OVMF's stride: larger than the 40-byte struct
    UINTN current_key = 100;
    int stale_exits = 0; // how many ExitBootServices calls the map changes under
    std::vector<std::string> calls;
    std::vector<void*> pages;
};

FakeFirmware* g_fake = nullptr;

EFI_STATUS EFIAPI fake_get_memory_map(
    UINTN* size, EFI_MEMORY_DESCRIPTOR* map, UINTN* key, UINTN* descriptor_size, UINT32* version)
{
    g_fake->calls.push_back("GetMemoryMap");
    *descriptor_size = g_fake->descriptor_size;
    *version = 1;
    if (*size < g_fake->map_size || map == nullptr) {
        *size = g_fake->map_size;
        return EFI_BUFFER_TOO_SMALL;
    }
    *size = g_fake->map_size;
    std::memset(map, 0xab, g_fake->map_size);
    *key = g_fake->current_key;
    return EFI_SUCCESS;
}

EFI_STATUS EFIAPI fake_exit_boot_services(EFI_HANDLE, UINTN key)
{
    g_fake->calls.push_back("ExitBootServices");
    if (key != g_fake->current_key)
        return EFI_INVALID_PARAMETER;
    if (g_fake->stale_exits > 0) {
        // An event fired and allocated: the map the caller has is stale.
        --g_fake->stale_exits;
        ++g_fake->current_key;
        return EFI_INVALID_PARAMETER;
    }
    return EFI_SUCCESS;
}

EFI_STATUS EFIAPI fake_allocate_pages(
    EFI_ALLOCATE_TYPE, EFI_MEMORY_TYPE type, UINTN pages, EFI_PHYSICAL_ADDRESS* address)
{
    g_fake->calls.push_back(
        type == EfiLoaderData ? "AllocatePages(LoaderData)" : "AllocatePages(other)");
    void* memory = std::aligned_alloc(EFI_PAGE_SIZE, pages * EFI_PAGE_SIZE);
    g_fake->pages.push_back(memory);
    *address = reinterpret_cast<EFI_PHYSICAL_ADDRESS>(memory);
    // Allocating changes the map, as real firmware's does.
    ++g_fake->current_key;
    g_fake->map_size += 48;
    return EFI_SUCCESS;
}

class ExitBootServicesTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        g_fake = &fake;
        std::memset(&table, 0, sizeof table);
        table.GetMemoryMap = fake_get_memory_map;
        table.ExitBootServices = fake_exit_boot_services;
        table.AllocatePages = fake_allocate_pages;
    }
    void TearDown() override
    {
        for (void* p : fake.pages)
            std::free(p);
        g_fake = nullptr;
    }

    FakeFirmware fake;
    EFI_BOOT_SERVICES table;
    EFI_HANDLE image = reinterpret_cast<EFI_HANDLE>(0x1234);
};

} // namespace

TEST_F(ExitBootServicesTest, AllocatesRoomForTheMapAndTheSlack)
{
    MemoryMapBuffer map;
    ASSERT_EQ(allocate_memory_map(&table, map, 32), EFI_SUCCESS);
    EXPECT_NE(map.buffer, nullptr);
    EXPECT_GE(map.capacity, 10 * 48 + 32 * 48u);
    EXPECT_EQ(map.descriptor_size, 48u);
}

TEST_F(ExitBootServicesTest, ExitsFirstTimeWhenNothingChanges)
{
    MemoryMapBuffer map;
    ASSERT_EQ(allocate_memory_map(&table, map, 32), EFI_SUCCESS);
    fake.calls.clear();
    ExitResult result = exit_boot_services(&table, image, map, 8);
    EXPECT_EQ(result.status, EFI_SUCCESS);
    EXPECT_EQ(result.attempts, 1u);
    EXPECT_EQ(map.size, fake.map_size); // the map the kernel gets is the final one
    EXPECT_EQ(fake.calls, (std::vector<std::string> {"GetMemoryMap", "ExitBootServices"}));
}

TEST_F(ExitBootServicesTest, RetriesWithAFreshMapWhenTheKeyIsStale)
{
    MemoryMapBuffer map;
    ASSERT_EQ(allocate_memory_map(&table, map, 32), EFI_SUCCESS);
    fake.calls.clear();
    fake.stale_exits = 2;
    ExitResult result = exit_boot_services(&table, image, map, 8);
    EXPECT_EQ(result.status, EFI_SUCCESS);
    EXPECT_EQ(result.attempts, 3u);
    EXPECT_EQ(map.key, fake.current_key);
    // Only GetMemoryMap and ExitBootServices, alternating: no allocation after
    // the first ExitBootServices call (UEFI 2.10, 7.4.6).
    ASSERT_EQ(fake.calls.size(), 6u);
    for (size_t i = 0; i < fake.calls.size(); ++i)
        EXPECT_EQ(fake.calls[i], i % 2 == 0 ? "GetMemoryMap" : "ExitBootServices");
}

TEST_F(ExitBootServicesTest, GivesUpAfterTheAttemptLimit)
{
    MemoryMapBuffer map;
    ASSERT_EQ(allocate_memory_map(&table, map, 32), EFI_SUCCESS);
    fake.stale_exits = 100;
    ExitResult result = exit_boot_services(&table, image, map, 4);
    EXPECT_EQ(result.status, EFI_INVALID_PARAMETER);
    EXPECT_EQ(result.attempts, 4u);
}

TEST_F(ExitBootServicesTest, AMapThatOutgrewTheBufferIsAnError)
{
    MemoryMapBuffer map;
    ASSERT_EQ(allocate_memory_map(&table, map, 1), EFI_SUCCESS);
    fake.map_size += 100 * 48;
    ExitResult result = exit_boot_services(&table, image, map, 8);
    EXPECT_EQ(result.status, EFI_BUFFER_TOO_SMALL);
    EXPECT_EQ(result.attempts, 1u);
}

TEST_F(ExitBootServicesTest, RefusesADescriptorSizeSmallerThanTheStruct)
{
    fake.descriptor_size = 24;
    MemoryMapBuffer map;
    EXPECT_EQ(allocate_memory_map(&table, map, 32), EFI_PROTOCOL_ERROR);
}
