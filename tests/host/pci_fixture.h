#pragma once

// Loads a configuration captured from QEMU by tests/fixtures/capture_pci.py
// (tests/fixtures/pci/<name>/index.txt and one .bin per function) into a
// FakeConfigSpace whose BARs size the way QEMU said they do.

#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/pci/bdf.h"
#include "pci_fake_config_space.h"

namespace pci_test {

struct FixtureBar {
    rota::Bdf bdf;
    unsigned index;
    std::string kind; // as bar_kind_name() spells it
    uint64_t address;
    uint64_t size;
};

struct Fixture {
    std::string name;
    std::string machine;
    std::string access;
    uint16_t space {0};
    std::vector<std::pair<rota::Bdf, std::vector<uint8_t>>> functions;
    std::vector<FixtureBar> bars;
    std::vector<std::string> lines; // the kernel's "[pci] " lines, prefix removed
    std::string summary;

    std::unique_ptr<FakeConfigSpace> config_space() const
    {
        auto config = std::make_unique<FakeConfigSpace>(space);
        for (const auto& [bdf, bytes] : functions)
            config->add_function(bdf, bytes);
        for (const FixtureBar& bar : bars)
            config->set_bar_size(bar.bdf, bar.index, bar.size);
        return config;
    }
};

inline rota::Bdf parse_bdf(const std::string& text)
{
    unsigned bus = 0, device = 0, function = 0;
    if (std::sscanf(text.c_str(), "%x:%x.%x", &bus, &device, &function) != 3)
        throw std::runtime_error("bad BDF " + text);
    return {
        0, static_cast<uint8_t>(bus), static_cast<uint8_t>(device), static_cast<uint8_t>(function)};
}

inline Fixture load_fixture(const std::string& name)
{
    std::string directory = std::string(ROTA_FIXTURES_DIR) + "/pci/" + name;
    std::ifstream index(directory + "/index.txt");
    if (!index)
        throw std::runtime_error("no fixture " + directory);
    Fixture fixture;
    fixture.name = name;
    std::string line;
    while (std::getline(index, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        std::istringstream words(line);
        std::string key;
        words >> key;
        if (key == "machine") {
            words >> fixture.machine;
        } else if (key == "access") {
            words >> fixture.access;
        } else if (key == "space") {
            words >> fixture.space;
        } else if (key == "function") {
            std::string bdf, ids, file;
            words >> bdf >> ids >> file;
            std::ifstream blob(directory + "/" + file, std::ios::binary);
            std::vector<uint8_t> bytes(
                (std::istreambuf_iterator<char>(blob)), std::istreambuf_iterator<char>());
            if (bytes.size() != fixture.space)
                throw std::runtime_error(file + ": wrong size");
            fixture.functions.emplace_back(parse_bdf(bdf), std::move(bytes));
        } else if (key == "bar") {
            std::string bdf, address, size;
            FixtureBar bar {};
            words >> bdf >> bar.index >> bar.kind >> address >> size;
            bar.bdf = parse_bdf(bdf);
            bar.address = std::stoull(address, nullptr, 16);
            bar.size = std::stoull(size, nullptr, 16);
            fixture.bars.push_back(bar);
        } else if (key == "line") {
            fixture.lines.push_back(line.substr(5));
        } else if (key == "summary") {
            fixture.summary = line.substr(8);
        }
    }
    return fixture;
}

} // namespace pci_test
