#include "core/cpu/ioapic.h"

#include <atomic>

#include "core/cpu/ioapic_registers.h"
#include "core/cpu/mmio_space.h"
#include "core/log/log.h"
#include "core/sync/spinlock.h"

namespace rota {

namespace {

constexpr size_t max_lines = 16;
constexpr size_t max_sharers = 4;

struct Chip {
    IoApicRegisters<MmioSpace> registers {MmioSpace()};
    uint32_t gsi_base {0};
};

struct Sharer {
    DeviceInterruptHandler handler {nullptr};
    void* context {nullptr};
};

struct Line {
    GsiRoute route {};
    IrqVector irq {};
    Sharer sharers[max_sharers] {};
    // Published after the sharer it counts (release), read by the dispatcher.
    std::atomic<uint32_t> count {0};
};

// Protected by g_lock; chips are written once at init. The lock also keeps
// two CPUs' index/window accesses to one I/O APIC apart.
constinit Spinlock g_lock;
constinit Chip g_chips[max_io_apics];
constinit IoApicInputs g_inputs[max_io_apics];
constinit size_t g_chip_count = 0;
constinit Line g_lines[max_lines];
constinit size_t g_line_count = 0;

void dispatch_line(void* context)
{
    auto& line = *static_cast<Line*>(context);
    uint32_t count = line.count.load(std::memory_order_acquire);
    for (uint32_t i = 0; i < count; ++i)
        line.sharers[i].handler(line.sharers[i].context);
}

bool compatible(const GsiRoute& a, const GsiRoute& b)
{
    return a.trigger == Trigger::Level && b.trigger == Trigger::Level && a.polarity == b.polarity;
}

} // namespace

void ioapic_init(const Madt* madt)
{
    if (madt == nullptr || madt->io_apics.empty()) {
        klog("[irq] no I/O APIC in the MADT: wired interrupts unavailable");
        return;
    }
    SpinlockGuard guard(g_lock);
    for (const MadtIoApic& entry : madt->io_apics) {
        // rota runs on the firmware's identity map; the I/O APIC page is
        // mapped uncached there, like every MMIO range the MADT names.
        Chip& chip = g_chips[g_chip_count];
        chip.registers = IoApicRegisters<MmioSpace>(MmioSpace(VirtAddr(entry.address)));
        chip.gsi_base = entry.gsi_base;
        unsigned pins = chip.registers.pins();
        g_inputs[g_chip_count] = {entry.gsi_base, pins};
        chip.registers.mask_all();
        ++g_chip_count;
        klog("[irq] ioapic id=%u address=0x%x gsis=%u-%u masked=%u", entry.id, entry.address,
            entry.gsi_base, entry.gsi_base + pins - 1, pins);
    }
}

Expected<IrqLine> ioapic_claim(const GsiRoute& route, DeviceInterruptHandler handler, void* context)
{
    SpinlockGuard guard(g_lock);
    for (size_t i = 0; i < g_line_count; ++i) {
        Line& line = g_lines[i];
        if (line.route.gsi != route.gsi)
            continue;
        uint32_t count = line.count.load(std::memory_order_relaxed);
        if (!compatible(line.route, route) || count == max_sharers)
            return make_error(Error::Busy);
        line.sharers[count] = {handler, context};
        line.count.store(count + 1, std::memory_order_release);
        return IrqLine {line.route, line.irq};
    }
    auto pin = find_ioapic_pin(std::span(g_inputs, g_chip_count), route.gsi);
    if (!pin.has_value())
        return make_error(Error::NotFound);
    if (g_line_count == max_lines)
        return make_error(Error::Busy);
    Line& line = g_lines[g_line_count];
    line.route = route;
    line.sharers[0] = {handler, context};
    line.count.store(1, std::memory_order_release);
    line.irq = TRY(irq_allocate(dispatch_line, &line));
    if (line.irq.apic_id > 0xff) {
        irq_free(line.irq);
        return make_error(Error::Unsupported); // the 8-bit destination field
    }
    ++g_line_count;
    g_chips[pin->ioapic].registers.set_entry(
        pin->pin, redirection_entry(route, line.irq.vector, uint8_t(line.irq.apic_id), false));
    return IrqLine {route, line.irq};
}

} // namespace rota
