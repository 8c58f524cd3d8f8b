#include "core/pci/bar.h"

#include "core/pci/config_registers.h"
#include "core/pci/config_space.h"

namespace rota {

namespace {

// PCI Local Bus 3.0, 6.2.5.1: bit 0 selects I/O; for memory, bits 2:1 are the
// type and bit 3 prefetchable; the address bits start at bit 2 (I/O) or 4.
constexpr uint32_t bar_io_space = 1u << 0;
constexpr uint32_t bar_io_address_mask = ~0x3u;
constexpr uint32_t bar_memory_address_mask = ~0xfu;
constexpr uint32_t bar_memory_prefetchable = 1u << 3;
constexpr uint32_t bar_memory_type_shift = 1;
constexpr uint32_t bar_memory_type_mask = 0x3;
constexpr uint32_t bar_memory_type_32 = 0;
constexpr uint32_t bar_memory_type_below_1m = 1;
constexpr uint32_t bar_memory_type_64 = 2;

// The decoded size is the lowest address bit that stuck. Devices that decode
// fewer upper bits (16-bit I/O BARs read back 0 above bit 15) are still right.
constexpr uint64_t lowest_set_bit(uint64_t value)
{
    return value & (~value + 1);
}

uint32_t size_slot(ConfigSpace& config, Bdf bdf, unsigned index, uint32_t original)
{
    config.write(bdf, pci::bar(index), 0xffffffffu);
    uint32_t mask = config.read(bdf, pci::bar(index));
    config.write(bdf, pci::bar(index), original);
    return mask;
}

} // namespace

Expected<void> probe_bars(ConfigSpace& config, Bdf bdf, unsigned count, bool keep_decode, Bar* out)
{
    ROTA_ASSERT(count <= max_bars);
    for (unsigned i = 0; i < count; ++i)
        out[i] = Bar {};

    uint16_t command = config.read(bdf, pci::command);
    auto decode_bits = static_cast<uint16_t>(pci::command_io_space | pci::command_memory_space);
    bool toggle = !keep_decode && (command & decode_bits) != 0;
    if (toggle)
        config.write(bdf, pci::command, static_cast<uint16_t>(command & ~decode_bits));

    bool corrupt = false;
    for (unsigned i = 0; i < count; ++i) {
        uint32_t original = config.read(bdf, pci::bar(i));
        Bar& bar = out[i];
        if (original & bar_io_space) {
            uint32_t mask = size_slot(config, bdf, i, original) & bar_io_address_mask;
            if (mask == 0)
                continue;
            bar.kind = BarKind::Io;
            bar.address = original & bar_io_address_mask;
            bar.size = lowest_set_bit(mask);
            continue;
        }
        uint32_t type = (original >> bar_memory_type_shift) & bar_memory_type_mask;
        if (type == bar_memory_type_64) {
            if (i + 1 >= count) {
                corrupt = true; // its upper half would be past the last BAR
                continue;
            }
            uint32_t original_high = config.read(bdf, pci::bar(i + 1));
            config.write(bdf, pci::bar(i), 0xffffffffu);
            config.write(bdf, pci::bar(i + 1), 0xffffffffu);
            uint32_t mask_low = config.read(bdf, pci::bar(i));
            uint32_t mask_high = config.read(bdf, pci::bar(i + 1));
            config.write(bdf, pci::bar(i), original);
            config.write(bdf, pci::bar(i + 1), original_high);
            uint64_t mask = (uint64_t(mask_high) << 32) | (mask_low & bar_memory_address_mask);
            ++i; // the upper half stays None
            if (mask == 0)
                continue;
            bar.kind = BarKind::Memory64;
            bar.prefetchable = (original & bar_memory_prefetchable) != 0;
            bar.address = (uint64_t(original_high) << 32) | (original & bar_memory_address_mask);
            bar.size = lowest_set_bit(mask);
            continue;
        }
        if (type != bar_memory_type_32 && type != bar_memory_type_below_1m) {
            corrupt = true; // 11b is reserved
            continue;
        }
        uint32_t mask = size_slot(config, bdf, i, original) & bar_memory_address_mask;
        if (mask == 0)
            continue;
        bar.kind = BarKind::Memory32;
        bar.prefetchable = (original & bar_memory_prefetchable) != 0;
        bar.address = original & bar_memory_address_mask;
        bar.size = lowest_set_bit(mask);
    }

    if (toggle)
        config.write(bdf, pci::command, command);
    if (corrupt)
        return make_error(Error::Corrupt);
    return {};
}

} // namespace rota
