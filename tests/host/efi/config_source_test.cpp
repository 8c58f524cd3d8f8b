// efi/config_source.cpp against fake firmware: a boot-services table whose
// pool allocations are counted and whose boot volume holds a rota.cfg the test
// writes, and a loaded image with the test's load options (UEFI 2.10, 9.1
// EFI_LOADED_IMAGE_PROTOCOL: LoadOptions and LoadOptionsSize in bytes).

#include "efi/config_source.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "fake_log.h"

using rota::Config;

namespace {

// One volume with at most one file, \rota.cfg.
struct FakeVolume {
    EFI_SIMPLE_FILE_SYSTEM_PROTOCOL fs {};
    EFI_FILE_PROTOCOL root {};
    EFI_FILE_PROTOCOL file {};
    bool has_config = false;
    std::string config;
    size_t position = 0;
    int open_handles = 0;
};

struct FakeFirmware {
    FakeVolume volume;
    bool has_file_system = true;
    int live_pools = 0;
    int pool_calls = 0;
    size_t largest_pool = 0;
};

FakeFirmware* g_fake = nullptr;

EFI_STATUS EFIAPI fake_allocate_pool(EFI_MEMORY_TYPE, UINTN size, VOID** buffer)
{
    ++g_fake->pool_calls;
    ++g_fake->live_pools;
    g_fake->largest_pool = std::max<size_t>(g_fake->largest_pool, size);
    *buffer = std::malloc(size);
    // Fill it, so text the code did not write cannot pass for what it did.
    std::memset(*buffer, 'Q', size);
    return EFI_SUCCESS;
}

EFI_STATUS EFIAPI fake_free_pool(VOID* buffer)
{
    --g_fake->live_pools;
    std::free(buffer);
    return EFI_SUCCESS;
}

EFI_STATUS EFIAPI fake_read(EFI_FILE_PROTOCOL*, UINTN* size, VOID* buffer)
{
    FakeVolume& v = g_fake->volume;
    size_t chunk = std::min<size_t>(*size, v.config.size() - v.position);
    std::memcpy(buffer, v.config.data() + v.position, chunk);
    v.position += chunk;
    *size = chunk;
    return EFI_SUCCESS;
}

EFI_STATUS EFIAPI fake_close(EFI_FILE_PROTOCOL*)
{
    --g_fake->volume.open_handles;
    return EFI_SUCCESS;
}

EFI_STATUS EFIAPI fake_open(
    EFI_FILE_PROTOCOL*, EFI_FILE_PROTOCOL** out, CHAR16* name, UINT64, UINT64)
{
    FakeVolume& v = g_fake->volume;
    const CHAR16 wanted[] = {'\\', 'r', 'o', 't', 'a', '.', 'c', 'f', 'g', 0};
    if (!v.has_config || std::memcmp(name, wanted, sizeof wanted) != 0)
        return EFI_NOT_FOUND;
    ++v.open_handles;
    v.position = 0;
    *out = &v.file;
    return EFI_SUCCESS;
}

EFI_STATUS EFIAPI fake_open_volume(EFI_SIMPLE_FILE_SYSTEM_PROTOCOL*, EFI_FILE_PROTOCOL** root)
{
    ++g_fake->volume.open_handles;
    *root = &g_fake->volume.root;
    return EFI_SUCCESS;
}

EFI_STATUS EFIAPI fake_handle_protocol(EFI_HANDLE, EFI_GUID* guid, VOID** interface)
{
    EFI_GUID fs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
    if (!g_fake->has_file_system || std::memcmp(guid, &fs_guid, sizeof fs_guid) != 0)
        return EFI_UNSUPPORTED;
    *interface = &g_fake->volume.fs;
    return EFI_SUCCESS;
}

class ConfigSourceTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        g_fake = &fake;
        rota_test::logged_lines().clear();
        std::memset(&table, 0, sizeof table);
        table.AllocatePool = fake_allocate_pool;
        table.FreePool = fake_free_pool;
        table.HandleProtocol = fake_handle_protocol;
        fake.volume.fs.OpenVolume = fake_open_volume;
        fake.volume.root.Open = fake_open;
        fake.volume.root.Close = fake_close;
        fake.volume.file.Read = fake_read;
        fake.volume.file.Close = fake_close;
        std::memset(&image, 0, sizeof image);
        image.DeviceHandle = reinterpret_cast<EFI_HANDLE>(0x5678);
    }
    void TearDown() override
    {
        EXPECT_EQ(fake.live_pools, 0) << "pool memory not freed";
        EXPECT_EQ(fake.volume.open_handles, 0) << "file handles not closed";
        g_fake = nullptr;
    }

    // The options as the firmware hands them over: UCS-2, NUL-terminated, the
    // size in bytes including the NUL (or without it, when `terminated` is false).
    void set_options(const std::string& text, bool terminated = true)
    {
        options.assign(text.begin(), text.end());
        if (terminated)
            options.push_back(0);
        image.LoadOptions = options.data();
        image.LoadOptionsSize = UINT32(options.size() * sizeof(uint16_t));
    }

    Config load()
    {
        Config config;
        rota::efi::load_configuration(&table, &image, config);
        return config;
    }

    bool logged(const std::string& text) const
    {
        for (const std::string& line : rota_test::logged_lines()) {
            if (line.find(text) != std::string::npos)
                return true;
        }
        return false;
    }

    FakeFirmware fake;
    EFI_BOOT_SERVICES table;
    EFI_LOADED_IMAGE image;
    std::vector<uint16_t> options;
};

// Padding tokens without '=' (ignored, like the image's own path) that
// make the options exactly `length` characters, the last a space, before
// what follows.
std::string padding(size_t length)
{
    std::string text = "\\EFI\\BOOT\\BOOTX64.EFI";
    while (text.size() + 5 < length)
        text += " word";
    text += std::string(length - text.size(), ' ');
    return text;
}

} // namespace

TEST_F(ConfigSourceTest, TheFileIsReadAndOptionsOverrideIt)
{
    fake.volume.has_config = true;
    fake.volume.config = "frames=10\nfps=30\n";
    set_options("BOOTX64.EFI frames=20");
    Config config = load();
    EXPECT_EQ(config.frames, 20u);
    EXPECT_EQ(config.fps, 30u);
}

TEST_F(ConfigSourceTest, MistakesGoToTheSerialLog)
{
    fake.volume.has_config = true;
    fake.volume.config = "frames=lots\n";
    set_options("BOOTX64.EFI colour=red");
    load();
    EXPECT_TRUE(
        logged("[config] bad value \"lots\" for key \"frames\" (rota.cfg line 1), keeping 0"));
    EXPECT_TRUE(logged("[config] unknown key \"colour\" (load options), ignored"));
}

TEST_F(ConfigSourceTest, NoFileSystemMeansDefaults)
{
    fake.has_file_system = false;
    Config config = load();
    EXPECT_TRUE(config == Config {});
    EXPECT_TRUE(logged("[config] boot volume has no file system: using defaults"));
}

// Options of more than 1023 characters were cut there
// without a word, and a cut last token still applied (frames=600 as frames=6).
TEST_F(ConfigSourceTest, LongOptionsAreAppliedWhole)
{
    std::string text = padding(1015) + "frames=600 fps=25";
    set_options(text);
    Config config = load();
    EXPECT_EQ(config.frames, 600u);
    EXPECT_EQ(config.fps, 25u);
    EXPECT_FALSE(logged("[config] bad value"));
}

TEST_F(ConfigSourceTest, OptionsOfManyKilobytesAreAppliedWhole)
{
    set_options(padding(40000) + "seed=7 frames=600");
    Config config = load();
    EXPECT_EQ(config.seed, std::optional<uint64_t>(7));
    EXPECT_EQ(config.frames, 600u);
}

TEST_F(ConfigSourceTest, OptionsWithoutTheirNulAreReadToTheirSize)
{
    set_options(padding(2000) + "frames=600", false);
    EXPECT_EQ(load().frames, 600u);
}

TEST_F(ConfigSourceTest, BeyondTheLimitTheCutIsLoggedAndTheCutOptionDropped)
{
    // The limit falls inside "frames=600": what is cut is not applied, and
    // what came before it still is.
    const size_t limit = rota::efi::max_load_option_chars;
    std::string text = padding(limit - 20) + "fps=25";
    text += std::string(limit - 8 - text.size(), ' ');
    text += "frames=600 gate=off";
    ASSERT_EQ(text.substr(limit - 8, 8), "frames=6");
    set_options(text);
    Config config = load();
    EXPECT_EQ(config.fps, 25u);
    EXPECT_EQ(config.frames, 0u);
    EXPECT_TRUE(config.gate);
    EXPECT_TRUE(logged("[config] load options are longer than " + std::to_string(limit)
        + " characters: using the first, without the option cut there"))
        << rota_test::logged_lines().back();
    EXPECT_LE(fake.largest_pool, limit + 1);
}

TEST_F(ConfigSourceTest, OptionsThatEndAtTheLimitAreNotCut)
{
    const size_t limit = rota::efi::max_load_option_chars;
    std::string text = padding(limit - 10) + "frames=600";
    ASSERT_EQ(text.size(), limit);
    set_options(text);
    EXPECT_EQ(load().frames, 600u);
    EXPECT_FALSE(logged("longer than"));
}

TEST_F(ConfigSourceTest, BinaryOptionsAreIgnored)
{
    options = {'f', 'r', 0x0001, 0x00ff, 0};
    image.LoadOptions = options.data();
    image.LoadOptionsSize = UINT32(options.size() * 2);
    Config config = load();
    EXPECT_TRUE(config == Config {});
    EXPECT_TRUE(logged("[config] load options are not text (10 bytes): ignored"));
}
