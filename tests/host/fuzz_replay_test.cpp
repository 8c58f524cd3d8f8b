// Every fuzz target's seeds and regression inputs (tests/fuzz/corpus/<target>/
// and tests/fuzz/regressions/<target>/) through the target's own entry
// function, compiled here with the ordinary host toolchain: a bug the fuzzer
// found stays fixed on a machine without clang, and under the ASan + UBSan
// build of these tests (tests/run) the replay is a sanitizer run too.

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_target.h"

namespace fs = std::filesystem;

namespace rota::fuzz {

// A FUZZ_CHECK that fails is a test failure here (libFuzzer's binary aborts).
void check_failed(const char* expression, const char* file, int line)
{
    ADD_FAILURE_AT(file, line) << "FUZZ_CHECK failed: " << expression;
}

} // namespace rota::fuzz

namespace {

const fs::path fuzz_dir = ROTA_FUZZ_DIR;

std::vector<std::string> target_names()
{
    std::vector<std::string> names;
    for (auto* target = rota::fuzz::registered_targets(); target != nullptr; target = target->next)
        names.push_back(target->name);
    std::sort(names.begin(), names.end());
    return names;
}

const rota::fuzz::Registration* find_target(const std::string& name)
{
    for (auto* target = rota::fuzz::registered_targets(); target != nullptr;
         target = target->next) {
        if (name == target->name)
            return target;
    }
    return nullptr;
}

std::vector<fs::path> inputs(const fs::path& folder)
{
    std::vector<fs::path> files;
    if (fs::is_directory(folder)) {
        for (const auto& entry : fs::directory_iterator(folder)) {
            if (entry.is_regular_file())
                files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<uint8_t> read_bytes(const fs::path& path)
{
    std::ifstream file(path, std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(file), {});
}

class FuzzReplay : public ::testing::TestWithParam<std::string> { };

TEST_P(FuzzReplay, SeedsAndRegressionsRunClean)
{
    const rota::fuzz::Registration* target = find_target(GetParam());
    ASSERT_NE(target, nullptr);
    std::vector<fs::path> seeds = inputs(fuzz_dir / "corpus" / GetParam());
    EXPECT_FALSE(seeds.empty()) << "no seed corpus in tests/fuzz/corpus/" << GetParam();
    std::vector<fs::path> regressions = inputs(fuzz_dir / "regressions" / GetParam());
    seeds.insert(seeds.end(), regressions.begin(), regressions.end());
    for (const fs::path& path : seeds) {
        SCOPED_TRACE(path.string());
        std::vector<uint8_t> bytes = read_bytes(path);
        target->entry(std::span<const uint8_t>(bytes.data(), bytes.size()));
    }
}

INSTANTIATE_TEST_SUITE_P(Fuzz, FuzzReplay, ::testing::ValuesIn(target_names()),
    [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

// A folder named after no target would be replayed by nothing.
TEST(FuzzCorpus, EveryFolderNamesATarget)
{
    for (const char* kind : {"corpus", "regressions"}) {
        for (const auto& entry : fs::directory_iterator(fuzz_dir / kind)) {
            if (!entry.is_directory())
                continue;
            EXPECT_NE(find_target(entry.path().filename().string()), nullptr)
                << "tests/fuzz/" << kind << "/" << entry.path().filename().string();
        }
    }
}

TEST(FuzzCorpus, AFailedCheckFailsTheTest)
{
    int two = 2;
    EXPECT_NONFATAL_FAILURE(FUZZ_CHECK(two == 3), "FUZZ_CHECK failed: two == 3");
}

} // namespace
