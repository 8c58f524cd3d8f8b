#include "core/cpu/interrupts.h"

#include <atomic>

#include "core/cpu/cpu_local.h"
#include "core/cpu/idt.h"
#include "core/cpu/local_apic.h"
#include "core/cpu/vector_allocator.h"
#include "core/sync/spinlock.h"

namespace rota {

namespace {

struct Slot {
    // Published last (release): a dispatcher that sees the handler sees its context.
    std::atomic<DeviceInterruptHandler> handler {nullptr};
    std::atomic<void*> context {nullptr};
};

struct CpuSlots {
    Slot slots[vector::device_count];
};

constinit Spinlock g_lock;
constinit VectorAllocator g_vectors; // Protected by g_lock.
// Made on a CPU's first allocation (under g_lock), then never freed.
constinit std::atomic<CpuSlots*> g_slots[max_interrupt_cpus] {};
constinit std::atomic<uint64_t> g_handled {0};

void dispatch(InterruptFrame& frame)
{
    uint32_t cpu = current_cpu_index();
    uint8_t v = uint8_t(frame.vector);
    DeviceInterruptHandler handler = nullptr;
    void* context = nullptr;
    CpuSlots* slots
        = cpu < max_interrupt_cpus ? g_slots[cpu].load(std::memory_order_acquire) : nullptr;
    if (slots != nullptr) {
        Slot& slot = slots->slots[v - vector::first_device];
        handler = slot.handler.load(std::memory_order_acquire);
        context = slot.context.load(std::memory_order_relaxed);
    }
    if (handler == nullptr) {
        idt_count_unexpected(frame);
        return;
    }
    handler(context);
    g_handled.fetch_add(1, std::memory_order_relaxed);
}

} // namespace

void interrupts_init()
{
    for (unsigned v = vector::first_device; v <= vector::last_device; ++v)
        ROTA_ASSERT(idt_set_handler(uint8_t(v), dispatch));
}

Expected<IrqVector> irq_allocate(DeviceInterruptHandler handler, void* context)
{
    ROTA_ASSERT(handler != nullptr);
    SpinlockGuard guard(g_lock);
    uint32_t cpu = current_cpu_index();
    if (cpu >= max_interrupt_cpus)
        return make_error(Error::Unsupported);
    CpuSlots* slots = g_slots[cpu].load(std::memory_order_relaxed);
    if (slots == nullptr) {
        slots = new CpuSlots();
        g_slots[cpu].store(slots, std::memory_order_release);
    }
    uint8_t v = TRY(g_vectors.allocate(cpu));
    Slot& slot = slots->slots[v - vector::first_device];
    slot.context.store(context, std::memory_order_relaxed);
    slot.handler.store(handler, std::memory_order_release);
    return IrqVector {cpu, local_apic_id(), v};
}

void irq_free(const IrqVector& irq)
{
    SpinlockGuard guard(g_lock);
    Slot& slot = g_slots[irq.cpu]
                     .load(std::memory_order_relaxed)
                     ->slots[irq.vector - vector::first_device];
    slot.handler.store(nullptr, std::memory_order_release);
    slot.context.store(nullptr, std::memory_order_relaxed);
    g_vectors.free(irq.cpu, irq.vector);
}

uint64_t irq_device_count()
{
    return g_handled.load(std::memory_order_relaxed);
}

} // namespace rota
