#pragma once

#include <cstdint>

#include "core/lib/addr.h"
#include "core/lib/expected.h"
#include "core/pci/bdf.h"

// Base address registers (PCI Local Bus 3.0, 6.2.5.1): what a function decodes,
// where the firmware put it and how big it is.

namespace rota {

class ConfigSpace;

enum class BarKind : uint8_t {
    None, // not implemented, or the upper half of the 64-bit BAR before it
    Io, // I/O space (bit 0 set)
    Memory32, // memory, 32-bit address (type 00b, or 01b "below 1 MiB" of PCI 2.x)
    Memory64, // memory, 64-bit address: this slot and the next hold it
};

struct Bar {
    BarKind kind {BarKind::None};
    bool prefetchable {false};
    uint64_t address {0}; // the port or physical address the firmware assigned (0: none)
    uint64_t size {0}; // bytes (a power of two)

    constexpr bool present() const { return kind != BarKind::None; }
    constexpr bool is_memory() const
    {
        return kind == BarKind::Memory32 || kind == BarKind::Memory64;
    }
    constexpr bool is_io() const { return kind == BarKind::Io; }
    // Only meaningful for memory BARs; rota is identity mapped.
    constexpr PhysAddr phys() const { return PhysAddr(address); }
};

inline constexpr unsigned max_bars = 6;

constexpr const char* bar_kind_name(const Bar& bar)
{
    switch (bar.kind) {
    case BarKind::None:
        return "none";
    case BarKind::Io:
        return "io";
    case BarKind::Memory32:
        return bar.prefetchable ? "mem32p" : "mem32";
    case BarKind::Memory64:
        return bar.prefetchable ? "mem64p" : "mem64";
    }
    return "unknown";
}

// Decodes and sizes the first `count` BARs of `bdf` into out[0..count). Sizing
// writes all ones to each BAR and reads back which address bits stick (6.2.5.1);
// while it does, the function's I/O and memory decode are switched off in the
// command register (so the half-written BAR never decodes a stray range), unless
// `keep_decode` (host bridges: some stop forwarding memory to RAM, which is why
// Linux keeps them on too). Every BAR and the command register are restored.
//
// Device input is not trusted: a 64-bit BAR in the last slot, or a reserved
// memory type (11b), leaves that slot None and returns Error::Corrupt after the
// remaining BARs are decoded; out[] then holds everything that could be read.
Expected<void> probe_bars(ConfigSpace& config, Bdf bdf, unsigned count, bool keep_decode, Bar* out);

} // namespace rota
