#include "core/pci/enumerate.h"

#include "core/pci/config_registers.h"
#include "core/pci/config_space.h"

namespace rota {

namespace {

// Vendor ID FFFFh is what an absent function returns (PCI Local Bus 3.0,
// 6.2.1); 0000h is not a valid vendor either, and some bridges return it.
bool present(uint16_t vendor_id)
{
    return vendor_id != 0xffff && vendor_id != 0x0000;
}

// Host bridges keep decoding while their BARs are sized (bar.h).
bool is_host_bridge(const PciFunction& fn)
{
    return fn.class_code == 0x06 && fn.subclass == 0x00;
}

class BusSet {
public:
    bool contains(uint8_t bus) const { return (m_bits[bus / 64] >> (bus % 64)) & 1; }
    void insert(uint8_t bus) { m_bits[bus / 64] |= 1ull << (bus % 64); }

private:
    uint64_t m_bits[4] {};
};

struct PendingBus {
    uint8_t bus;
    uint8_t depth;
};

// Breadth first: the buses come out in the order the firmware numbered them.
class Scanner {
public:
    Scanner(ConfigSpace& config, BusRange root, PciFunctionList& out, EnumerationStats& stats)
        : m_config(config)
        , m_root(root)
        , m_out(out)
        , m_stats(stats)
    {
    }

    void run()
    {
        push(m_root.first, 0);
        while (m_head != m_tail) {
            PendingBus next = m_queue[m_head++];
            scan_bus(next);
        }
    }

private:
    void push(uint8_t bus, uint8_t depth)
    {
        m_scheduled.insert(bus);
        m_queue[m_tail++] = {bus, depth};
    }

    void scan_bus(PendingBus pending)
    {
        ++m_stats.buses;
        for (uint8_t device = 0; device < Bdf::devices_per_bus; ++device) {
            Bdf bdf {m_root.segment, pending.bus, device, 0};
            if (!present(m_config.read(bdf, pci::vendor_id)))
                continue;
            uint8_t header = m_config.read(bdf, pci::header_type);
            uint8_t functions
                = (header & pci::header_type_multifunction) ? Bdf::functions_per_device : 1;
            for (uint8_t function = 0; function < functions; ++function) {
                bdf.function = function;
                if (function != 0 && !present(m_config.read(bdf, pci::vendor_id)))
                    continue;
                add_function(bdf, pending.depth);
            }
        }
    }

    void add_function(Bdf bdf, uint8_t depth)
    {
        ++m_stats.functions;
        PciFunction scratch;
        PciFunction* fn = m_out.add();
        if (fn == nullptr) {
            ++m_stats.dropped;
            fn = &scratch; // still read it: a bridge behind it must be followed
        }
        read_function(m_config, bdf, *fn);
        if (fn->bar_error)
            ++m_stats.bar_errors;
        if (fn->capability_error)
            ++m_stats.capability_errors;
        if (!fn->is_bridge())
            return;
        fn->bridge_scan = classify_bridge(*fn, depth);
        if (fn->bridge_scan == BridgeScan::Followed) {
            ++m_stats.bridges_followed;
            push(fn->secondary_bus, static_cast<uint8_t>(depth + 1));
        } else {
            ++m_stats.bridges_skipped;
        }
    }

    // The firmware's numbering is trusted (rota does not renumber buses), but
    // only as far as it cannot make the scan loop or leave the root's range.
    BridgeScan classify_bridge(const PciFunction& fn, uint8_t depth) const
    {
        uint8_t secondary = fn.secondary_bus;
        if (secondary == 0)
            return BridgeScan::Unconfigured;
        if (secondary < m_root.first || secondary > m_root.last)
            return BridgeScan::OutOfRange;
        if (m_scheduled.contains(secondary))
            return BridgeScan::AlreadyScanned;
        if (depth + 1u > max_bridge_depth)
            return BridgeScan::TooDeep;
        return BridgeScan::Followed;
    }

    ConfigSpace& m_config;
    BusRange m_root;
    PciFunctionList& m_out;
    EnumerationStats& m_stats;
    BusSet m_scheduled;
    // Each bus is queued at most once (m_scheduled), so 256 slots never overflow.
    PendingBus m_queue[256] {};
    unsigned m_head {0};
    unsigned m_tail {0};
};

} // namespace

void read_function(ConfigSpace& config, Bdf bdf, PciFunction& out)
{
    out = PciFunction {};
    out.bdf = bdf;
    out.vendor_id = config.read(bdf, pci::vendor_id);
    out.device_id = config.read(bdf, pci::device_id);
    out.revision = config.read(bdf, pci::revision_id);
    out.prog_if = config.read(bdf, pci::prog_if);
    out.subclass = config.read(bdf, pci::subclass);
    out.class_code = config.read(bdf, pci::class_code);
    uint8_t header = config.read(bdf, pci::header_type);
    out.header_type = header & pci::header_type_layout_mask;
    out.multifunction = (header & pci::header_type_multifunction) != 0;
    out.interrupt_pin = config.read(bdf, pci::interrupt_pin);

    uint8_t pointer_register = pci::capabilities_pointer.offset;
    switch (static_cast<pci::HeaderLayout>(out.header_type)) {
    case pci::HeaderLayout::Normal:
        out.bar_count = 6;
        out.subsystem_vendor_id = config.read(bdf, pci::subsystem_vendor_id);
        out.subsystem_id = config.read(bdf, pci::subsystem_id);
        break;
    case pci::HeaderLayout::Bridge:
        out.bar_count = 2;
        out.secondary_bus = config.read(bdf, pci::secondary_bus);
        out.subordinate_bus = config.read(bdf, pci::subordinate_bus);
        break;
    case pci::HeaderLayout::CardBus:
        pointer_register = pci::cardbus_capabilities_pointer.offset;
        break;
    default:
        // An unknown layout: only the common header means anything.
        return;
    }

    if (out.bar_count != 0) {
        auto bars = probe_bars(config, bdf, out.bar_count, is_host_bridge(out), out.bars);
        if (bars.is_error())
            out.bar_error = bars.error();
    }
    auto caps = walk_capabilities(config, bdf, pointer_register, out.capabilities);
    if (caps.is_error())
        out.capability_error = caps.error();
}

EnumerationStats enumerate_pci(
    ConfigSpace& config, std::span<const BusRange> roots, PciFunctionList& out)
{
    EnumerationStats stats;
    for (const BusRange& root : roots) {
        if (root.first > root.last)
            continue;
        Scanner scanner(config, root, out, stats);
        scanner.run();
    }
    return stats;
}

} // namespace rota
